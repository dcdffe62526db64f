"""One construct per logical component; stacks compose and wire them."""
