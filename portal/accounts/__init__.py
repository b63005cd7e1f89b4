"""People, organisations, signing in, sessions, invitations and roles."""
