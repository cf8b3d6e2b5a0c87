"""Development data: the demo portfolio as data files and `manage.py seed_demo`, which writes it
through the real services. Installed only in development (config.settings adds the app when
WAYPOINT_DEV=1); not part of the package or the image, and nothing in the app imports it.
"""
