"""The suite's Python side: keyword library, endpoint catalogue, key handling and masking."""
