// Fault tests restart the shared RabbitMQ and Postgres: no other test may run meanwhile.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
