"""App state that is not warehouse data: saved views, groups, the admin credential."""
