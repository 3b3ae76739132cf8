"""`copilot shell`: the user's own tool in their terminal, with the copilot one `??` away."""
