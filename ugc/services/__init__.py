"""Write use-cases of UGC: automation from events, the request life cycle, periodic jobs."""
