"""Runbooks generated from the config and the synthesized templates of one deployment."""
