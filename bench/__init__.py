"""`make bench`: Waypoint's speed figures, with MLflow's tracking server as a peer (README.md)."""
