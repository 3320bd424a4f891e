import { useEffect, type ReactElement } from 'react';
import { useStudio } from '../store/studioStore';
import { DataPanel } from './data/DataPanel';
import { FinetuneExportPanel } from './export/FinetuneExportPanel';
import { Header } from './header/Header';
import { ModelPanel } from './model/ModelPanel';
import { PrunePanel } from './prune/PrunePanel';
import { ScoresPanel } from './scores/ScoresPanel';
import { TrainPanel } from './train/TrainPanel';

/** start() runs once per page, even when StrictMode mounts the app twice. */
let started = false;

export function App(): ReactElement {
  useEffect(() => {
    if (started) return;
    started = true;
    void useStudio.getState().start();
  }, []);

  return (
    <div className="app">
      <Header />
      <main className="workspace">
        <div className="area-model"><ModelPanel /></div>
        <div className="area-data"><DataPanel /></div>
        <div className="area-train"><TrainPanel /></div>
        <div className="area-scores"><ScoresPanel /></div>
        <div className="area-prune"><PrunePanel /></div>
        <div className="area-export"><FinetuneExportPanel /></div>
      </main>
      <footer className="app-footer">
        VTP: Zhu, Tang, Han, “Vision Transformer Pruning” (arXiv 2104.08500). Everything runs in this tab; no file leaves your machine.
      </footer>
    </div>
  );
}
