"""Hallway: open space (unconference) facilitation."""
