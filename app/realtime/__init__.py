"""Live pages: the broadcaster (memory or Redis), the hub that renders each change once and fans it out."""
