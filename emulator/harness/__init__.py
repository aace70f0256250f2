"""The test harness behind the pytest plugin: backends, resource tracking, snapshots and the conformance report."""
