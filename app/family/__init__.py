"""Family check: a worker's family sees, with her request's reference and a PIN she chose, that
someone is acting on it (status, last update, mission) and nothing else."""
