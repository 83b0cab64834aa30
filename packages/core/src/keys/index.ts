// Client key functions (client IP, IPv6 subnets, API keys) live here.
export {};
