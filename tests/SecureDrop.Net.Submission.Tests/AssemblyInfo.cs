// Hangfire keeps its storage in process-global state (JobStorage.Current), and each front end here is a Hangfire
// client of its own instance: test classes run one after another so no app ever enqueues into another's storage.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
