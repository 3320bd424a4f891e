import { useEffect, useState, type ReactElement } from 'react';

const STEPS: ReadonlyArray<{ title: string; text: string }> = [
  {
    title: 'Load a ViT',
    text: 'Open a Hugging Face style checkpoint (config.json + safetensors) or start from the shipped demo model.',
  },
  {
    title: 'Train VTP importance scores',
    text: 'Learn a soft gate per feature dimension with an L1 sparsity penalty, in a Web Worker on WebGPU, WebGL or wasm.',
  },
  {
    title: 'Prune with a slider',
    text: 'Choose a threshold, watch parameters, FLOPs and accuracy move, then fold the gates and slim the model.',
  },
  {
    title: 'Export',
    text: 'Save the pruned model as safetensors, ONNX or a tfjs graph, together with a pruning report.',
  },
];

export function App(): ReactElement {
  const [status, setStatus] = useState('Starting…');

  useEffect(() => {
    setStatus('Ready. The pruning engine is not wired in yet.');
  }, []);

  return (
    <main className="app">
      <header className="app-header">
        <h1>ViT Pruning Studio</h1>
        <p className="app-tagline">
          Prune Vision Transformers in your browser with Vision Transformer Pruning (VTP). Everything
          runs locally; nothing is uploaded.
        </p>
      </header>

      <ol className="app-steps">
        {STEPS.map((step) => (
          <li key={step.title}>
            <h2>{step.title}</h2>
            <p>{step.text}</p>
          </li>
        ))}
      </ol>

      <p className="app-status" role="status" aria-live="polite" data-testid="status">
        {status}
      </p>
    </main>
  );
}
