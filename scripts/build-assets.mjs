// Copies the compiled GOV.UK Frontend into build/static/govuk, where Django's static files
// finder picks it up. The stylesheet refers to its fonts and images as /assets/...; the
// paths are made relative so the files work under any STATIC_URL.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const source = "node_modules/govuk-frontend/dist/govuk";
const target = "build/static/govuk";

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
cpSync(`${source}/assets`, `${target}/assets`, { recursive: true });
for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(`${source}/${file}`, `${target}/${file}`);
}
const css = readFileSync(`${source}/govuk-frontend.min.css`, "utf8").replaceAll("url(/assets/", "url(assets/");
writeFileSync(`${target}/govuk-frontend.min.css`, css.replace(/\/\*# sourceMappingURL=.*?\*\//, ""));
console.log(`GOV.UK Frontend copied to ${target}`);
