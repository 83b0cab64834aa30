// Header writers (pure functions) live here; see docs/headers.md.
export {};
