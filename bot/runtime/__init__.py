"""The running bot: start-up and shutdown, the schedule and its leader lock, delivery, health, metrics, logs."""
