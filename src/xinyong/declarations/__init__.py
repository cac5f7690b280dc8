"""Self-declaration (自主申报 / 自愿注册): docs/declarations.md."""
