"""Related parties (关联关系): the graph of organisations and persons, and what is near a
black-listed subject."""
