#!/usr/bin/python3
"""Generate a synthetic knowledge base for kbgen's benchmark.

usage: gen.py N OUTDIR

Writes OUTDIR/content, a kbgen knowledge base of N use cases (site.yaml,
taxonomy.yaml with 40 technologies, 25 fields and 40 tools, about N/20
people, N use cases with 300-900-word Markdown bodies), and OUTDIR/hugo,
an equivalent Hugo site: the same use cases and people, the same three
taxonomies plus people as a fourth one (so that a person's page lists the
use cases it is a contact for, like kbgen's), and the layouts of
tests/bench/hugo/layouts.  The output depends on N only (fixed seed).
Python 3 standard library only.
"""

import os
import random
import shutil
import sys

SEED = 20240611

# name, title, aliases, parent
TECHNOLOGIES = [
    ("CNN", "Convolutional Neural Network", ["ConvNet", "Conv NN"], None),
    ("RNN", "Recurrent Neural Network", [], None),
    ("LSTM", "Long Short-Term Memory", [], "RNN"),
    ("GRU", "Gated Recurrent Unit", [], "RNN"),
    ("GNN", "Graph Neural Network", ["Graph Net"], None),
    ("GAT", "Graph Attention Network", [], "GNN"),
    ("Transformer", "Transformer", ["Attention Model"], None),
    ("Autoencoder", "Autoencoder", ["AE"], None),
    ("VAE", "Variational Autoencoder", [], "Autoencoder"),
    ("GAN", "Generative Adversarial Network", [], None),
    ("Normalizing Flow", "Normalizing Flow", ["NF", "Flow Model"], None),
    ("Diffusion Model", "Denoising Diffusion Model", ["DDPM"], None),
    ("MLP", "Multi-Layer Perceptron", ["DNN", "Dense Network"], None),
    ("BDT", "Boosted Decision Trees", ["Gradient Boosting"], None),
    ("Random Forest", "Random Forest", [], None),
    ("SVM", "Support Vector Machine", [], None),
    ("k-Means", "k-Means Clustering", ["KMeans"], None),
    ("PCA", "Principal Component Analysis", [], None),
    ("Gaussian Process", "Gaussian Process Regression", ["GP"], None),
    ("Bayesian NN", "Bayesian Neural Network", ["BNN"], None),
    ("Reinforcement Learning", "Reinforcement Learning", ["RL"], None),
    ("U-Net", "U-Net", ["UNet"], "CNN"),
    ("ResNet", "Residual Network", [], "CNN"),
    ("YOLO", "You Only Look Once", [], "CNN"),
    ("Point Cloud Network", "Point Cloud Network", ["PointNet"], None),
    ("Deep Sets", "Deep Sets", [], None),
    ("Contrastive Learning", "Contrastive Learning", [], None),
    ("Self-Supervised Learning", "Self-Supervised Learning", ["SSL"], None),
    ("Domain Adaptation", "Domain Adaptation", [], None),
    ("Anomaly Detection", "Anomaly Detection", ["Outlier Detection"], None),
    ("Active Learning", "Active Learning", [], None),
    ("Federated Learning", "Federated Learning", [], None),
    ("Quantization", "Quantization-Aware Training", ["QAT"], None),
    ("Knowledge Distillation", "Knowledge Distillation", [], None),
    ("Symbolic Regression", "Symbolic Regression", [], None),
    ("Neural ODE", "Neural Ordinary Differential Equation", [], None),
    ("PINN", "Physics-Informed Neural Network", [], None),
    ("Capsule Network", "Capsule Network", ["CapsNet"], None),
    ("Mixture Density Network", "Mixture Density Network", ["MDN"], None),
    ("Parametric NN", "Parametric Neural Network", ["pNN"], "MLP"),
]

FIELDS = [
    ("High Energy Physics", ["HEP", "Particle Physics"], None),
    ("Astrophysics", [], None),
    ("Astroparticle Physics", ["Astroparticle"], None),
    ("Gravitational Waves", ["GW"], None),
    ("Nuclear Physics", [], None),
    ("Medical Physics", [], None),
    ("Medical Imaging", [], "Medical Physics"),
    ("Cosmology", [], None),
    ("Neutrino Physics", [], None),
    ("Dark Matter", ["DM"], None),
    ("Accelerator Physics", [], None),
    ("Detector Simulation", ["Fast Simulation"], None),
    ("Particle Tracking", ["Tracking"], "High Energy Physics"),
    ("Calorimetry", [], "High Energy Physics"),
    ("Lattice QCD", ["LQCD"], None),
    ("Plasma Physics", [], None),
    ("Condensed Matter", [], None),
    ("Quantum Computing", ["QC"], None),
    ("Cultural Heritage", [], None),
    ("Environmental Science", [], None),
    ("Geophysics", [], None),
    ("Radiation Protection", [], None),
    ("Space Science", [], None),
    ("Theoretical Physics", [], None),
    ("Computing Infrastructure", ["Computing"], None),
]

TOOLS = [
    ("Keras", ["keras-core"]), ("TensorFlow", ["TF", "TF2", "Tensorflow-GPU"]),
    ("PyTorch", ["Torch"]), ("PyTorch Lightning", ["Lightning"]),
    ("JAX", ["jaxlib"]), ("Flax", ["flax-linen"]),
    ("scikit-learn", ["sklearn"]), ("XGBoost", ["xgb"]),
    ("LightGBM", ["lgbm"]), ("CatBoost", ["catboost-gpu"]),
    ("ROOT", ["CERN ROOT"]), ("TMVA", ["ROOT TMVA"]),
    ("uproot", ["uproot5"]), ("Awkward Array", ["awkward"]),
    ("NumPy", ["numpy-core"]), ("SciPy", ["scipy-stack"]),
    ("pandas", ["pd"]), ("Matplotlib", ["mpl"]),
    ("Jupyter", ["JupyterLab", "IPython"]), ("ONNX", ["ONNX Runtime"]),
    ("TensorRT", ["TRT"]), ("Horovod", ["hvd"]),
    ("Ray", ["Ray Tune"]), ("Dask", ["dask-distributed"]),
    ("Optuna", ["optuna-dashboard"]), ("MLflow", ["mlflow-tracking"]),
    ("Weights and Biases", ["wandb", "WB"]),
    ("Hugging Face", ["HF", "transformers"]),
    ("PyG", ["PyTorch Geometric"]), ("DGL", ["Deep Graph Library"]),
    ("Spektral", ["spektral-tf"]), ("hls4ml", ["hls-4-ml"]),
    ("Qiskit", ["qiskit-terra"]), ("PennyLane", ["pennylane-qml"]),
    ("OpenCV", ["cv2"]), ("scikit-image", ["skimage"]),
    ("SimpleITK", ["ITK"]), ("MONAI", ["monai-core"]),
    ("Docker", ["docker-ce"]), ("Apptainer", ["Singularity"]),
]

FIRST = ("Ada Bruno Carla Dario Elena Fabio Giulia Luca Marta Nicola Olga "
         "Paolo Rita Sara Tommaso Ugo Valeria Andrea Chiara Davide Federica "
         "Giorgio Irene Lorenzo Matteo Noemi Pietro Silvia Stefano Vittoria "
         "Alessia Enrico Francesca Lucio Simone Laura Marco Anna Giacomo "
         "Beatrice").split()
LAST = ("Rossi Verdi Bianchi Russo Ferrari Esposito Romano Colombo Ricci "
        "Marino Greco Bruno Gallo Conti De-Luca Mancini Costa Giordano Rizzo "
        "Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso "
        "Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo "
        "Serra Coppola De-Santis D-Angelo Marchetti Parisi Villa Conte Ferri "
        "Fabbri Bianco Marini Grasso Valentini Messina Sala De-Angelis Gatti "
        "Pellegrini Palumbo Sanna Farina Rizzi Monti").split()
SITES = ("Bari Bologna Cagliari Catania Ferrara Firenze Genova Lecce Milano "
         "Napoli Padova Pavia Perugia Pisa Roma Torino Trieste").split()
ROLES = ["tutor", "speaker", "organizer", "maintainer", "reviewer",
         "AI_INFN national coordinator", "local contact"]
KINDS = ["tutorial", "application", "package", "technique", "demo"]
AUDIENCE = ["students", "researchers", "engineers", "beginners", "experts"]

WORDS = (
    "model training data dataset sample event detector signal background "
    "network layer weight loss gradient optimizer epoch batch feature label "
    "classifier regression accuracy precision recall efficiency resolution "
    "simulation reconstruction calibration trigger jet track vertex cluster "
    "energy momentum particle image pixel voxel sequence graph node edge "
    "attention embedding latent space distribution likelihood posterior "
    "prior uncertainty systematic statistical inference validation test "
    "split augmentation normalization dropout regularization learning rate "
    "schedule checkpoint notebook pipeline cluster GPU memory throughput "
    "latency inference deployment FPGA quantization pruning compression "
    "benchmark baseline ablation hyperparameter search grid random bayesian "
    "convergence overfitting underfitting generalization robustness shift "
    "domain target source transfer fine-tuning pretraining encoder decoder "
    "generator discriminator critic reward policy agent environment state "
    "action trajectory analysis measurement observable cross-section "
    "luminosity spectrum histogram fit parameter estimate error bias "
    "variance ensemble boosting tree forest kernel margin component "
    "projection manifold cluster anomaly outlier threshold score curve "
    "area metric physics experiment collaboration facility infrastructure "
    "storage transfer container environment reproducibility workflow the "
    "a of to and in with for on by from is are we this that each which").split()

LANGS = ["python", "bash", "yaml"]


def slugify(s):
    """kbgen's slugify (generator/util.c), for ASCII names."""
    out, dash = [], False
    for c in s:
        if c.isascii() and c.isalnum():
            if dash and out:
                out.append("-")
            dash = False
            out.append(c.lower())
        elif c == "+":
            if out:
                out.append("-")
            out.append("plus")
            dash = True
        else:
            dash = True
    return "".join(out) or "x"


def yq(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ylist(items):
    return "[" + ", ".join(yq(i) for i in items) + "]"


def sentence(rng, lo=8, hi=20):
    n = rng.randint(lo, hi)
    w = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.3:
        i = rng.randrange(n)
        w[i] = "**" + w[i] + "**"
    if rng.random() < 0.2:
        i = rng.randrange(n)
        w[i] = "`" + w[i] + "`"
    s = " ".join(w)
    return s[0].upper() + s[1:] + "."


def paragraph(rng, budget):
    out, words = [], 0
    for _ in range(rng.randint(3, 6)):
        s = sentence(rng)
        out.append(s)
        words += len(s.split())
        if words >= budget:
            break
    return " ".join(out), words


def body(rng, nwords, links_kb, links_hugo):
    """Two parallel Markdown bodies (kbgen's and Hugo's), differing only in
    the form of internal links.  links_*: (text, url) pairs to weave in."""
    parts = []            # strings, or (kb, hugo) pairs for links
    words = 0
    sections = ["Overview", "Data", "Model", "Training", "Results",
                "How to run", "What to try next"]
    extras = {"Data": "list", "Model": "code", "Results": "table",
              "How to run": "olist"}
    # share the word budget over sections; keep going until reached
    per = max(5, (nwords - 300) // len(sections))
    li = 0
    for sec in sections:
        parts.append("## " + sec)
        words += len(sec.split())
        p, w = paragraph(rng, per)
        words += w
        if li < len(links_kb):
            t, ukb = links_kb[li]
            _, uhu = links_hugo[li]
            li += 1
            parts.append((p + " See [" + t + "](" + ukb + ").",
                          p + " See [" + t + "](" + uhu + ")."))
            words += 1 + len(t.split())
        else:
            parts.append(p)
        x = extras.get(sec)
        if x == "list" or x == "olist":
            items = []
            for i in range(rng.randint(3, 6)):
                s = sentence(rng, 4, 10)
                words += len(s.split())
                items.append(("%d. " % (i + 1) if x == "olist" else "- ") + s)
            parts.append("\n".join(items))
        elif x == "code":
            lang = rng.choice(LANGS)
            lines = []
            for i in range(rng.randint(4, 10)):
                a, b = rng.choice(WORDS), rng.choice(WORDS)
                if lang == "python":
                    lines.append("%s_%d = fit(%s, epochs=%d)"
                                 % (a.replace("-", "_"), i,
                                    b.replace("-", "_"), rng.randint(1, 50)))
                elif lang == "bash":
                    lines.append("python3 train.py --%s %s --seed %d"
                                 % (a, b, i))
                else:
                    lines.append("%s: %s" % (a.replace("-", "_") + str(i), b))
            parts.append("```" + lang + "\n" + "\n".join(lines) + "\n```")
            words += 2 * len(lines)
        elif x == "table":
            rows = ["| Configuration | Metric | Value |",
                    "|---|---|---:|"]
            for _ in range(rng.randint(3, 6)):
                rows.append("| %s %s | %s | %.3f |"
                            % (rng.choice(WORDS), rng.choice(WORDS),
                               rng.choice(WORDS), rng.random()))
                words += 4
            parts.append("\n".join(rows))
    while nwords - words > 25:
        p, w = paragraph(rng, nwords - words)
        parts.append(p)
        words += w
    kb = "\n\n".join(p[0] if isinstance(p, tuple) else p for p in parts)
    hu = "\n\n".join(p[1] if isinstance(p, tuple) else p for p in parts)
    return kb + "\n", hu + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def term_description(rng, name, kind):
    return ("%s is a %s used across the catalogue. %s" %
            (name, kind, sentence(rng, 10, 18)))


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: gen.py N OUTDIR\n")
        sys.exit(2)
    n = int(sys.argv[1])
    out = sys.argv[2]
    rng = random.Random(SEED)
    kbc = os.path.join(out, "content")
    hug = os.path.join(out, "hugo")
    for d in (kbc, hug):
        if os.path.exists(d):
            shutil.rmtree(d)
    hc = os.path.join(hug, "content")

    # -- site configuration
    write(os.path.join(kbc, "site.yaml"),
          "title: Benchmark KB\n"
          "description: A synthetic knowledge base of %d use cases.\n"
          "base_url: https://kb.example.org/\n"
          "language: en\n"
          "timezone: Europe/Rome\n"
          "edit_url: https://git.example.org/kb/-/edit/main/{path}\n" % n)
    write(os.path.join(hug, "config.toml"), """\
baseURL = "https://kb.example.org/"
title = "Benchmark KB"
languageCode = "en"
disableHugoGeneratorInject = true
enableRobotsTXT = false
rssLimit = 50

[params]
description = "A synthetic knowledge base of %d use cases."

[taxonomies]
technology = "technologies"
field = "fields"
tool = "tools"
person = "people"

[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]

[markup.highlight]
codeFences = false

[markup.goldmark.renderer]
unsafe = false
""" % n)
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copytree(os.path.join(here, "hugo", "layouts"),
                    os.path.join(hug, "layouts"))
    assets = os.path.join(here, "..", "..", "templates", "assets")
    if os.path.isdir(assets):       # kbgen's theme assets, for equal output
        shutil.copytree(assets, os.path.join(hug, "static", "assets"))

    # -- taxonomy
    tax = ["technologies:"]
    for name, title, aliases, parent in TECHNOLOGIES:
        tax.append("  - name: " + yq(name))
        tax.append("    title: " + yq(title))
        if aliases:
            tax.append("    aliases: " + ylist(aliases))
        if parent:
            tax.append("    parent: " + yq(parent))
        d = term_description(rng, name, "machine-learning technique")
        tax.append("    description: " + yq(d))
        write(os.path.join(hc, "technologies", slugify(name), "_index.md"),
              "---\ntitle: %s\nfulltitle: %s\nalso_known_as: %s\n%s---\n%s\n"
              % (yq(name), yq(title), ylist(aliases),
                 "parent: %s\n" % yq(parent) if parent else "", d))
    tax.append("fields:")
    for name, aliases, parent in FIELDS:
        tax.append("  - name: " + yq(name))
        if aliases:
            tax.append("    aliases: " + ylist(aliases))
        if parent:
            tax.append("    parent: " + yq(parent))
        d = term_description(rng, name, "scientific field")
        tax.append("    description: " + yq(d))
        write(os.path.join(hc, "fields", slugify(name), "_index.md"),
              "---\ntitle: %s\nalso_known_as: %s\n%s---\n%s\n"
              % (yq(name), ylist(aliases),
                 "parent: %s\n" % yq(parent) if parent else "", d))
    tax.append("tools:")
    for name, aliases in TOOLS:
        tax.append("  - name: " + yq(name))
        tax.append("    aliases: " + ylist(aliases))
        d = term_description(rng, name, "software tool")
        tax.append("    description: " + yq(d))
        write(os.path.join(hc, "tools", slugify(name), "_index.md"),
              "---\ntitle: %s\nalso_known_as: %s\n---\n%s\n"
              % (yq(name), ylist(aliases), d))
    write(os.path.join(kbc, "taxonomy.yaml"), "\n".join(tax) + "\n")

    # -- people
    np_ = max(5, n // 20)
    people = []
    seen = set()
    for i in range(np_):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        pid = slugify(first + " " + last)
        if pid in seen:
            pid = "%s-%d" % (pid, i)
        seen.add(pid)
        name = first + " " + last.replace("-", " ")
        aff = "INFN " + rng.choice(SITES)
        roles = rng.sample(ROLES, rng.randint(0, 2))
        exp = ([rng.choice(TECHNOLOGIES)[0]
                for _ in range(rng.randint(1, 3))] +
               [rng.choice(FIELDS)[0] for _ in range(rng.randint(0, 1))])
        exp = list(dict.fromkeys(exp))
        bio = " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
        email = pid.replace("-", ".") + "@example.org"
        people.append((pid, name, aff))
        write(os.path.join(kbc, "people", pid + ".md"),
              "---\nname: %s\naffiliation: %s\nroles: %s\nexpertise: %s\n"
              "email: %s\n---\n%s\n"
              % (yq(name), yq(aff), ylist(roles), ylist(exp), email, bio))
        write(os.path.join(hc, "people", pid, "_index.md"),
              "---\ntitle: %s\naffiliation: %s\nroles: %s\nexpertise: %s\n"
              "email: %s\n---\n%s\n"
              % (yq(name), yq(aff), ylist(roles), ylist(exp), email, bio))

    # -- use cases
    tasks = ["jet tagging", "event classification", "track finding",
             "fast simulation", "image segmentation", "anomaly search",
             "signal denoising", "parameter estimation", "unfolding",
             "particle identification", "tumour detection", "noise removal",
             "source localisation", "energy regression", "data quality"]
    slugs, picks = [], []
    for i in range(n):
        tech = rng.sample(TECHNOLOGIES, rng.randint(1, 3))
        task = rng.choice(tasks)
        picks.append((tech, task))
        slugs.append("%s-%s-%05d" % (slugify(tech[0][0]), slugify(task), i))
    for i in range(n):
        tech, task = picks[i]
        fields = rng.sample(FIELDS, rng.randint(1, 3))
        tools = rng.sample(TOOLS, rng.randint(1, 3))
        contacts = rng.sample(people, rng.randint(1, 2))
        kind = rng.choice(KINDS)
        added = "%04d-%02d-%02d" % (rng.randint(2018, 2024),
                                    rng.randint(1, 12), rng.randint(1, 28))
        slug = slugs[i]
        title = "%s for %s in %s (%d)" % (tech[0][0], task, fields[0][0], i)
        summary = ("Apply %s to %s on %s data, with %s." %
                   (tech[0][1], task, fields[0][0].lower(), tools[0][0]))

        def name_or_alias(t, aliases):
            if aliases and rng.random() < 0.2:
                return rng.choice(aliases)
            return t
        kb_tech = [name_or_alias(t[0], t[2]) for t in tech]
        kb_fields = [name_or_alias(f[0], f[1]) for f in fields]
        kb_tools = [name_or_alias(t[0], t[1]) for t in tools]
        other = slugs[rng.randrange(n)]
        person = contacts[0][0]
        links_kb = [("a related use case", other + ".md"),
                    ("the contact's page", "../people/%s.md" % person),
                    ("the paper", "https://doi.org/10.1000/bench.%d" % i),
                    ("the dataset", "https://zenodo.org/record/%d" % (10000 + i))]
        links_hu = [("a related use case", "../%s/" % other),
                    ("the contact's page", "../../people/%s/" % person),
                    links_kb[2], links_kb[3]]
        bkb, bhu = body(rng, rng.randint(300, 900), links_kb, links_hu)
        executable = rng.random() < 0.5
        fm = ["---",
              "title: " + yq(title),
              "summary: " + yq(summary),
              "technologies: " + ylist(kb_tech),
              "fields: " + ylist(kb_fields),
              "tools: " + ylist(kb_tools),
              "kind: " + kind]
        if rng.random() < 0.5:
            fm.append("audience: " + ylist(rng.sample(AUDIENCE, 2)))
        fm.append("contacts: " + ylist([c[0] for c in contacts]))
        if executable:
            fm += ["repository:",
                   "  url: https://github.com/example/%s.git" % slug,
                   "  ref: main",
                   "example: %s.ipynb" % slug.split("-")[0]]
        fm += ["links:",
               "  - {title: Paper, url: %s}" % yq(links_kb[2][1]),
               "added: " + added, "---", ""]
        write(os.path.join(kbc, "usecases", slug + ".md"),
              "\n".join(fm) + bkb)
        hfm = ["---",
               "title: " + yq(title),
               "summary: " + yq(summary),
               "date: " + added,
               "kind: " + kind,
               "executable: " + ("true" if executable else "false"),
               "technologies: " + ylist([t[0] for t in tech]),
               "fields: " + ylist([f[0] for f in fields]),
               "tools: " + ylist([t[0] for t in tools]),
               "people: " + ylist([c[0] for c in contacts])]
        if executable:
            hfm.append("repository: https://github.com/example/%s.git" % slug)
        hfm += ["paper: " + yq(links_kb[2][1]), "---", ""]
        write(os.path.join(hc, "usecases", slug + ".md"),
              "\n".join(hfm) + bhu)
    write(os.path.join(hc, "usecases", "_index.md"),
          "---\ntitle: Catalogue\n---\n")
    write(os.path.join(kbc, "pages", "about.md"),
          "---\ntitle: About\nmenu: 1\n---\nA synthetic knowledge base.\n")
    write(os.path.join(hc, "about.md"),
          "---\ntitle: About\n---\nA synthetic knowledge base.\n")


if __name__ == "__main__":
    main()
