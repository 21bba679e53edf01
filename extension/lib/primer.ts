// GitHub's design tokens, light and dark (the build keeps only the ones ff's styles use:
// scripts/primer-tokens.mjs), then ff's Primer-style parts drawn from them.
import '@primer/primitives/dist/css/functional/themes/light.css';
import '@primer/primitives/dist/css/functional/themes/dark.css';
import './primer.css';
