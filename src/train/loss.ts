import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean softmax cross-entropy (nats) of logits [B, K] against int32 class indices [B], with label
 * smoothing ε: targets (1 − ε)·onehot + ε/K (PyTorch's CrossEntropyLoss(label_smoothing=ε)). Scalar.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, smoothing = 0): tf.Scalar {
  return tf.tidy(() => {
    const K = logits.shape[1];
    const logp = tf.logSoftmax(logits); // [B, K]
    const onehot = tf.cast(tf.oneHot(labels, K), 'float32'); // [B, K]
    const target = smoothing > 0 ? tf.add(tf.mul(onehot, 1 - smoothing), smoothing / K) : onehot;
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), 1))) as tf.Scalar;
  });
}

/** Sum over rows of the cross-entropy (nats, no smoothing) of logits [B, K] vs int32 labels [B]. Scalar. */
export function crossEntropySum(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mul(crossEntropy(logits, labels), logits.shape[0]) as tf.Scalar);
}

/** Number of rows of logits [B, K] whose argmax equals the int32 label [B], as a float32 scalar. */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar);
}

/** Number of rows of logits [B, K] whose label [B] is among the k largest logits (k ≤ K), float32 scalar. */
export function topKCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D, k: number): tf.Scalar {
  return tf.tidy(() => {
    const { indices } = tf.topk(logits, k); // [B, k] int32
    const hit = tf.equal(indices, tf.reshape(labels, [-1, 1])); // [B, k]
    return tf.sum(tf.cast(hit, 'float32')) as tf.Scalar;
  });
}

/**
 * Knowledge-distillation loss (nats) of student logits [B, K] against teacher logits [B, K] at
 * temperature T: T²·mean over rows of KL(softmax(z_t/T) ‖ softmax(z_s/T)), i.e. PyTorch's
 * `T*T * kl_div(log_softmax(z_s/T), softmax(z_t/T), reduction='batchmean')`. Scalar; pass teacher logits computed outside the gradient tape.
 */
export function distillationLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, temperature: number): tf.Scalar {
  if (!(temperature > 0)) throw new Error(`the distillation temperature must be > 0, got ${temperature}`);
  return tf.tidy(() => {
    const logPs = tf.logSoftmax(tf.div(student, temperature)); // [B, K]
    const logPt = tf.logSoftmax(tf.div(teacher, temperature)); // [B, K]
    const kl = tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), 1); // [B]
    return tf.mul(tf.mean(kl), temperature * temperature) as tf.Scalar;
  });
}

/** Number of rows where the argmax of logits [B, K] equals the argmax of reference logits [B, K], float32 scalar. */
export function agreementCount(logits: tf.Tensor2D, reference: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(reference, 1)), 'float32')) as tf.Scalar);
}
