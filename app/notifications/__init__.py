"""消息中心: in-app messages about what happened to a user's work, and their optional e-mail copies."""
