/**
 * The built-in sample collection in data/sample/ (BEIR layout): its shape and its judgments,
 * checked straight from the files so that an edit to the collection cannot quietly make it
 * smaller, ungraded or inconsistent. See data/sample/README.md for how it was built.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Analyzer } from '../../lib/text/analyzer';

const SAMPLE = path.resolve(__dirname, '../../data/sample');

interface CorpusLine {
  _id: string;
  title: string;
  text: string;
}
interface QueryLine {
  _id: string;
  text: string;
}
interface Judgment {
  queryId: string;
  docId: string;
  grade: number;
}

function jsonLines<T>(file: string): T[] {
  const content = fs.readFileSync(path.join(SAMPLE, file), 'utf8');
  return content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

const corpus = jsonLines<CorpusLine>('corpus.jsonl');
const queries = jsonLines<QueryLine>('queries.jsonl');
const qrelsLines = fs.readFileSync(path.join(SAMPLE, 'qrels/test.tsv'), 'utf8').split('\n').filter((l) => l !== '');
const judgments: Judgment[] = qrelsLines.slice(1).map((line) => {
  const [queryId = '', docId = '', grade = ''] = line.split('\t');
  return { queryId, docId, grade: Number(grade) };
});

const docsById = new Map(corpus.map((d) => [d._id, d]));
const queriesById = new Map(queries.map((q) => [q._id, q]));

function judgmentsOf(queryId: string): Judgment[] {
  return judgments.filter((j) => j.queryId === queryId);
}

describe('sample collection files', () => {
  it('has the three BEIR files', () => {
    for (const file of ['corpus.jsonl', 'queries.jsonl', 'qrels/test.tsv']) {
      expect(fs.existsSync(path.join(SAMPLE, file)), file).toBe(true);
    }
  });

  it('has at least 300 documents, each with a unique id, a title and an abstract', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(docsById.size).toBe(corpus.length);
    for (const doc of corpus) {
      expect(Object.keys(doc).sort(), doc._id).toEqual(['_id', 'text', 'title']);
      expect(typeof doc._id).toBe('string');
      expect(doc._id).toMatch(/^d\d{3}$/);
      expect(doc.title.trim().length, doc._id).toBeGreaterThan(10);
      expect(doc.text.trim().length, doc._id).toBeGreaterThan(100);
      expect(doc.text.length, doc._id).toBeLessThan(1200);
    }
  });

  it('has at least 30 questions with unique ids, keeping q01..q12', () => {
    expect(queries.length).toBeGreaterThanOrEqual(30);
    expect(queriesById.size).toBe(queries.length);
    for (const q of queries) {
      expect(Object.keys(q).sort(), q._id).toEqual(['_id', 'text']);
      expect(q._id).toMatch(/^q\d{2}$/);
      expect(q.text.trim().endsWith('?'), q._id).toBe(true);
    }
    for (let i = 1; i <= 12; i++) expect(queriesById.has(`q${String(i).padStart(2, '0')}`)).toBe(true);
  });
});

describe('sample collection judgments', () => {
  it('has the BEIR qrels header and well-formed integer grades 0-2', () => {
    expect(qrelsLines[0]).toBe('query-id\tcorpus-id\tscore');
    for (const line of qrelsLines.slice(1)) expect(line.split('\t'), line).toHaveLength(3);
    for (const j of judgments) expect([0, 1, 2], `${j.queryId} ${j.docId}`).toContain(j.grade);
  });

  it('judges each (question, document) pair once and names only existing ids', () => {
    const pairs = new Set(judgments.map((j) => `${j.queryId}\t${j.docId}`));
    expect(pairs.size).toBe(judgments.length);
    for (const j of judgments) {
      expect(docsById.has(j.docId), `${j.queryId}: unknown document ${j.docId}`).toBe(true);
      expect(queriesById.has(j.queryId), `unknown question ${j.queryId}`).toBe(true);
    }
  });

  it('is graded: all three grades are used, with partial relevance as well as full', () => {
    const count = (grade: number) => judgments.filter((j) => j.grade === grade).length;
    expect(count(2)).toBeGreaterThanOrEqual(60);
    expect(count(1)).toBeGreaterThanOrEqual(30);
    expect(count(0)).toBeGreaterThanOrEqual(60);
  });

  it('gives every question at least one answering document (2) and one judged hard negative (0)', () => {
    for (const q of queries) {
      const grades = judgmentsOf(q._id).map((j) => j.grade);
      expect(grades.filter((g) => g === 2).length, `${q._id}: grade-2 documents`).toBeGreaterThanOrEqual(1);
      expect(grades.filter((g) => g === 0).length, `${q._id}: judged non-relevant documents`).toBeGreaterThanOrEqual(1);
    }
  });

  it('has hard negatives that share content words with their question', () => {
    const analyzer = new Analyzer({ stem: true, stopwords: true });
    for (const q of queries) {
      const questionTerms = new Set(analyzer.terms(q.text));
      const sharing = judgmentsOf(q._id)
        .filter((j) => j.grade === 0)
        .filter((j) => {
          const doc = docsById.get(j.docId)!;
          return analyzer.terms(`${doc.title} ${doc.text}`).some((t) => questionTerms.has(t));
        });
      expect(sharing.length, `${q._id}: hard negatives sharing its words`).toBeGreaterThanOrEqual(1);
    }
  });

  it('has relevant documents written in other words than their question (vocabulary mismatch)', () => {
    // Relevant (grade >= 1) documents sharing no stemmed non-stopword term with their question:
    // only a query that adds synonyms or technical terms can find them.
    const analyzer = new Analyzer({ stem: true, stopwords: true });
    const mismatched = judgments.filter((j) => {
      if (j.grade < 1) return false;
      const questionTerms = new Set(analyzer.terms(queriesById.get(j.queryId)!.text));
      const doc = docsById.get(j.docId)!;
      return !analyzer.terms(`${doc.title} ${doc.text}`).some((t) => questionTerms.has(t));
    });
    expect(mismatched.length).toBeGreaterThanOrEqual(20);
    expect(new Set(mismatched.map((j) => j.queryId)).size).toBeGreaterThanOrEqual(15);
  });
});
