/** A hand-made collection small enough to compute BM25 and boolean results by hand. */
import type { ParsedCollection } from '../../lib/datasets/types';

export function tinyCollection(): ParsedCollection {
  return {
    format: 'beir',
    documents: [
      { id: 'd1', fields: { title: 'Heart attack', text: 'Heart attack risk rises with smoking.' } },
      { id: 'd2', fields: { title: 'Diabetes', text: 'Diabetic patients and heart disease.' } },
      { id: 'd3', fields: { title: 'Smoking', text: 'Smoking and lung cancer; the attack on the heart.' } },
      { id: 'd4', fields: { title: 'Vaccines', text: 'Influenza vaccination in the elderly.' } },
      { id: 'd5', fields: { title: '', text: '' } },
    ],
    queries: [
      { id: 'q1', text: 'heart attack' },
      { id: 'q2', text: 'influenza vaccines' },
    ],
    qrels: [
      { queryId: 'q1', docId: 'd1', grade: 2 },
      { queryId: 'q1', docId: 'd3', grade: 1 },
      { queryId: 'q2', docId: 'd4', grade: 1 },
    ],
    defaultFields: ['title', 'text'],
    warnings: [],
  };
}
