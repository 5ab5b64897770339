//! Providers: one folder each, holding what is specific to one cloud controller.
