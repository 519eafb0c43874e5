"""A fake of Bifrost's async inference API, with fake providers and fault switches."""
