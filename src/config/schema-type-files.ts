/**
 * Which TypeScript modules `npm run generate` derives from which schema, and the names of their types. The
 * modules live in src/schema-types/, outside config/, because store, report and engine need some of these types
 * and must not depend on config.
 */
import { readSchemaFile } from './schema-registry.js';
import type { SchemaTypesSpec } from './schema-types-source.js';

/** One generated types module. */
export interface SchemaTypesFile extends SchemaTypesSpec {
  /** Where the module lives (the same from src/config and dist/config). */
  output: URL;
}

const SUITE_FILE: SchemaTypesFile = {
  schemaFile: 'suite.schema.json',
  output: new URL('../../src/schema-types/suite-file.ts', import.meta.url),
  about:
    'A suite file as schemas/suite.schema.json allows it: what src/config/load-suite.ts may trust once the file ' +
    'passed validation. Shapes after resolution (defaults applied, files read) are written by hand beside their ' +
    'users, in terms of these types.',
  names: {
    '#': 'SuiteFile',
    '#/$defs/provider': 'ProviderFile',
    '#/$defs/grader': 'GraderFile',
    '#/$defs/providerObject': 'ProviderObjectFile',
    '#/$defs/providerObject/properties/config': 'ProviderConfigFile',
    '#/$defs/prompt': 'PromptFile',
    '#/$defs/promptId': 'PromptIdFile',
    '#/$defs/message': 'MessageFile',
    '#/$defs/contentPart': 'ContentPartFile',
    '#/$defs/promptTools': 'PromptToolsFile',
    '#/$defs/toolList': 'ToolListFile',
    '#/$defs/tool': 'ToolFile',
    '#/$defs/toolChoice': 'ToolChoiceFile',
    '#/$defs/test': 'TestFile',
    '#/$defs/defaultTest': 'DefaultTestFile',
    '#/$defs/assertion': 'AssertionFile',
    '#/$defs/transform': 'TransformFile',
    '#/$defs/transformSteps': 'TransformStepsFile',
    '#/$defs/transformStep': 'TransformStepFile',
    '#/$defs/transformName': 'TransformNameFile',
    '#/$defs/transformRegex': 'TransformRegexFile',
    '#/$defs/transformLastNumber': 'TransformLastNumberFile',
    '#/$defs/transformAnswerLetter': 'TransformAnswerLetterFile',
    '#/$defs/transformJavascript': 'TransformJavascriptFile',
    '#/$defs/transformVars': 'TransformVarsFile',
    '#/properties/prices': 'PriceTable',
    '#/properties/prices/additionalProperties': 'ModelPrice',
    '#/properties/budget': 'BudgetFile',
    '#/properties/dataset': 'BenchmarkDataset',
    '#/properties/gates': 'GatesFile',
    '#/properties/target': 'TargetFile',
    '#/$defs/attack': 'AttackFile',
    '#/$defs/attackGoal': 'GoalFile',
    '#/$defs/finetune': 'FinetuneFile',
  },
};

const CONFIG_FILE: SchemaTypesFile = {
  schemaFile: 'config.schema.json',
  output: new URL('../../src/schema-types/config-file.ts', import.meta.url),
  about:
    'llmlab.config.yaml as schemas/config.schema.json allows it. The resolved project config (paths made ' +
    'absolute, defaults applied) is ProjectConfig in src/config/types.ts.',
  names: {
    '#': 'ConfigFile',
    '#/properties/budget': 'ProjectBudget',
    '#/$defs/grader': 'ProjectGraderFile',
    '#/$defs/providerObject': 'ProjectProviderObjectFile',
  },
};

const GATEWAY_FILE: SchemaTypesFile = {
  schemaFile: 'gateway.schema.json',
  output: new URL('../../src/schema-types/gateway-file.ts', import.meta.url),
  about:
    'A gateway config (gateway.yaml) as schemas/gateway.schema.json allows it. The resolved gateway (providers ' +
    'resolved, files read, defaults applied) is ResolvedGateway in src/gateway/types.ts.',
  names: {
    '#': 'GatewayFile',
    '#/$defs/model': 'VirtualModelFile',
    '#/$defs/key': 'KeyFile',
    '#/$defs/experiment': 'ExperimentFile',
    '#/$defs/arm': 'ArmFile',
    '#/$defs/grader': 'GatewayProviderFile',
    '#/$defs/providerObject': 'GatewayProviderObjectFile',
  },
};

/** Every generated types module. */
export const SCHEMA_TYPES_FILES: readonly SchemaTypesFile[] = [SUITE_FILE, CONFIG_FILE, GATEWAY_FILE];

/** The schema a module is generated from, as it is now. */
export function schemaOf(file: SchemaTypesFile): Record<string, unknown> {
  return readSchemaFile(file.schemaFile);
}
