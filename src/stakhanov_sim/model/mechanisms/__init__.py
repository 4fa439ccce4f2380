"""The mechanisms of one shift, each a function over the model's arrays (DESIGN.md, steps 1-10)."""
