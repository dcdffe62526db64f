"""The embedded AWS emulator (moto server) and the template transforms only it needs."""
