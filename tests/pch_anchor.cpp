// Anchor for the shared precompiled Catch2 header.
