import { LinearChain, type Sequence, type TrainOptions, type Weights } from "@sift/learn";
import { ALLOWED, CAN_END, NUM_LABELS } from "./labels.js";

export { rng, type Sequence, type Weights } from "@sift/learn";

/** The entity model's chain: BILOU labels over the four types, with BILOU-valid transitions. */
const chain = new LinearChain({
  labels: NUM_LABELS,
  allowed: ALLOWED,
  canEnd: Uint8Array.from({ length: NUM_LABELS }, (_, y) => (CAN_END(y) ? 1 : 0)),
});

/** Emission scores of a sequence (n × L). */
export function emissions(wts: Weights, feats: Int32Array, offs: Int32Array, n: number, out: Float64Array): void {
  chain.emissions(wts, feats, offs, n, out);
}

/** Best BILOU-valid label sequence under the scores. */
export function viterbi(em: Float64Array, trans: Weights["t"], n: number, out: Int32Array): void {
  chain.viterbi(em, trans, n, out);
}

/** Averaged structured perceptron (Collins 2002) over BILOU sequences. */
export function trainPerceptron(seqs: Sequence[], numFeatures: number, opts: TrainOptions): Weights {
  return chain.train(seqs, numFeatures, opts);
}
