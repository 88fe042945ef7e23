export { type ChainSpec, LinearChain, rng, type Sequence, type TrainOptions, type Weights } from "./chain.js";
export { FeatureMap } from "./feature-map.js";
