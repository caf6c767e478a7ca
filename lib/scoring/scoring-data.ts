/**
 * The data scoring works from: the model registry and the task categories, loaded together so
 * their cross-references can be checked (every category's benchmarks exist in the registry,
 * every model's categories exist in categories.json). Category weights can be overridden
 * through the API with `withCategoryWeights`, as well as in the file.
 */
import path from 'node:path';
import { closest } from 'fastest-levenshtein';
import { projectRoot } from '../store/db-path';
import { InputError } from '../input-error';
import { DataFileError, readDataFile, type JsonPath } from './data-file';
import { categoriesFileSchema, type CategoriesFile, type CategoryConfig } from './categories-schema';
import { DEFAULT_REGISTRY_FILE, loadRegistry } from './registry';
import type { Registry } from './registry-schema';

export const DEFAULT_CATEGORIES_FILE = path.join(projectRoot(), 'data', 'categories.json');

export interface ScoringData {
  registry: Registry;
  categories: CategoriesFile;
  registryFile: string;
  categoriesFile: string;
}

export interface ScoringDataFiles {
  registryFile?: string;
  categoriesFile?: string;
}

/** Loads categories.json (default data/categories.json) and checks its benchmarks against `registry`. */
export function loadCategories(registry: Registry, file: string = DEFAULT_CATEGORIES_FILE): CategoriesFile {
  const categories = readDataFile(file, categoriesFileSchema, 'categories file');
  const problems: { path: JsonPath; message: string }[] = [];
  for (const [name, category] of Object.entries(categories.categories)) {
    for (const benchmark of Object.keys(category.weights)) {
      if (!(benchmark in registry.benchmarks)) {
        problems.push({ path: ['categories', name, 'weights', benchmark], message: `unknown benchmark '${benchmark}' (not in the registry's benchmarks)` });
      }
    }
  }
  if (problems.length > 0) throw new DataFileError(file, problems, 'categories file');
  return categories;
}

/** Loads the registry and the categories and checks that each model's categories exist. */
export function loadScoringData(files: ScoringDataFiles = {}): ScoringData {
  const registryFile = files.registryFile ?? DEFAULT_REGISTRY_FILE;
  const categoriesFile = files.categoriesFile ?? DEFAULT_CATEGORIES_FILE;
  const registry = loadRegistry(registryFile);
  const categories = loadCategories(registry, categoriesFile);
  const problems: { path: JsonPath; message: string }[] = [];
  registry.models.forEach((model, i) => {
    const named: [string, JsonPath][] = [
      [model.categories.primary, ['models', i, 'categories', 'primary']],
      ...model.categories.secondary.map((c, j): [string, JsonPath] => [c, ['models', i, 'categories', 'secondary', j]]),
    ];
    for (const [category, at] of named) {
      if (!(category in categories.categories)) {
        problems.push({ path: at, message: `unknown category '${category}' (${categoriesFile} has ${Object.keys(categories.categories).join(', ')})` });
      }
    }
  });
  if (problems.length > 0) throw new DataFileError(registryFile, problems, 'model registry');
  return { registry, categories, registryFile, categoriesFile };
}

/** The category's configuration; throws an InputError naming the known ones. */
export function categoryConfig(data: ScoringData, category: string): CategoryConfig {
  const config = data.categories.categories[category];
  if (!config) throw new UnknownCategoryError(category, Object.keys(data.categories.categories));
  return config;
}

export class UnknownCategoryError extends InputError {
  constructor(readonly category: string, readonly known: string[]) {
    super(`unknown category '${category}'; categories: ${known.join(', ')}. Did you mean '${closest(category, known)}'?`);
    this.name = 'UnknownCategoryError';
  }
}

/**
 * A copy of `data` with some of `category`'s benchmark weights replaced (a weight of 0 drops a
 * benchmark). Unknown benchmarks and negative weights are InputErrors.
 */
export function withCategoryWeights(data: ScoringData, category: string, weights: Record<string, number>): ScoringData {
  const config = categoryConfig(data, category);
  for (const [benchmark, weight] of Object.entries(weights)) {
    if (!(benchmark in data.registry.benchmarks)) {
      throw new InputError(`weight for unknown benchmark '${benchmark}'; benchmarks: ${Object.keys(data.registry.benchmarks).join(', ')}`);
    }
    if (!Number.isFinite(weight) || weight < 0) throw new InputError(`weight of '${benchmark}' must be a number >= 0, got ${weight}`);
  }
  const merged = { ...config.weights, ...weights };
  if (!Object.values(merged).some((w) => w > 0)) throw new InputError(`category '${category}' needs at least one benchmark with a weight above 0`);
  return {
    ...data,
    categories: { ...data.categories, categories: { ...data.categories.categories, [category]: { ...config, weights: merged } } },
  };
}
