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
import { ConfigProblems, configError, loadConfigFile, parseConfigSource, readConfigText, validateConfig, type ConfigPath } from '../config/load-config';
import { categoriesFileSchema, type CategoriesFile, type CategoryConfig } from './categories-schema';
import { DEFAULT_REGISTRY_FILE, REGISTRY_VALIDATION } from './registry';
import { registrySchema } from './registry-schema';
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
  return loadConfigFile(file, categoriesFileSchema, {
    what: 'categories file',
    check: (categories, problems) => {
      for (const [name, category] of Object.entries(categories.categories)) {
        for (const benchmark of Object.keys(category.weights)) {
          if (!(benchmark in registry.benchmarks)) {
            problems.add(['categories', name, 'weights', benchmark], `unknown benchmark '${benchmark}' (not in the registry's benchmarks)`);
          }
        }
      }
    },
  });
}

/** Loads the registry and the categories and checks that each model's categories exist. */
export function loadScoringData(files: ScoringDataFiles = {}): ScoringData {
  const registryFile = files.registryFile ?? DEFAULT_REGISTRY_FILE;
  const categoriesFile = files.categoriesFile ?? DEFAULT_CATEGORIES_FILE;
  const registrySource = parseConfigSource(readConfigText(registryFile), registryFile);
  const registry = validateConfig(registrySource, registrySchema, REGISTRY_VALIDATION);
  const categories = loadCategories(registry, categoriesFile);
  const problems = new ConfigProblems();
  registry.models.forEach((model, i) => {
    const named: [string, ConfigPath][] = [
      [model.categories.primary, ['models', i, 'categories', 'primary']],
      ...model.categories.secondary.map((c, j): [string, ConfigPath] => [c, ['models', i, 'categories', 'secondary', j]]),
    ];
    for (const [category, at] of named) {
      if (!(category in categories.categories)) {
        problems.add(at, `unknown category '${category}' (${categoriesFile} has ${Object.keys(categories.categories).join(', ')})`);
      }
    }
  });
  if (problems.size > 0) throw configError(registrySource, REGISTRY_VALIDATION.what, problems);
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
