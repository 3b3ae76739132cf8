"""Tool shells: profiles (data in adapters/) and the sessions that drive real tools."""
