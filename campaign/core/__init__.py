"""Cross-cutting helpers shared by the feature packages."""
