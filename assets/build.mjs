// `make assets`: compile the stylesheet and copy GOV.UK Frontend's JavaScript into static/.
// The output is committed, so running the app needs no Node.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = (...parts) => join(root, "static", ...parts);

mkdirSync(out("css"), { recursive: true });
mkdirSync(out("js"), { recursive: true });

const result = sass.compile(join(root, "assets", "scss", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(out("css", "app.css"), result.css + "\n");

const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
copyFileSync(join(govuk, "govuk-frontend.min.js"), out("js", "govuk-frontend.min.js"));

console.log(`static/css/app.css ${result.css.length} bytes; static/js/govuk-frontend.min.js copied`);
