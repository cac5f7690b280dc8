"""Public credit evaluation (公共信用综合评价) and industry evaluations combined with it:
docs/evaluation.md."""
