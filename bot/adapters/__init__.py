"""Chat adapters: thin translations between a platform and the core. They never import each other."""
