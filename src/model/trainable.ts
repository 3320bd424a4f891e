import * as tf from '@tensorflow/tfjs-core';

/** Whether gradients must flow into this weight (a trainable tf.Variable). */
export function isTrainable(t: tf.Tensor | null): boolean {
  return t instanceof tf.Variable && t.trainable;
}
