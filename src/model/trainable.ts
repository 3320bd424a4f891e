import * as tf from '@tensorflow/tfjs-core';

/** Whether gradients must flow into this weight (a trainable tf.Variable). */
export function isTrainable(t: tf.Tensor | null): boolean {
  return t instanceof tf.Variable && t.trainable;
}

/** Whether tfjs is recording ops for a gradient now (inside tf.grad / variableGrads' forward pass); when not, no op needs its gradient. */
export function gradientsRecorded(): boolean {
  return tf.engine().isTapeOn();
}
