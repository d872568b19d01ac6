// Placeholder until the runner child is implemented; replaced by its owner.
export {};
