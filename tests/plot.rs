//! `lrsched plot` through the real binary: PNG and SVG files that decode and show what they
//! should, overlays with one legend entry per curve, text that really renders from the
//! embedded font, errors, and the terminal plot against its snapshot.
//!
//! Set `UPDATE_SNAPSHOTS=1` to rewrite `tests/snapshots/` after an intended change.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

/// The chart's first curve colour (tab10 blue) and second (orange).
const BLUE: [u8; 3] = [31, 119, 180];
const ORANGE: [u8; 3] = [255, 127, 14];

fn lrsched() -> Command {
    Command::cargo_bin("lrsched").expect("binary builds")
}

/// An RGB image decoded from PNG bytes.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn decode(bytes: &[u8]) -> Image {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut buffer = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buffer).expect("PNG pixels");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        buffer.truncate(info.buffer_size());
        Image {
            width: info.width,
            height: info.height,
            rgb: buffer,
        }
    }

    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let at = ((y * self.width + x) * 3) as usize;
        [self.rgb[at], self.rgb[at + 1], self.rgb[at + 2]]
    }

    /// Pixels of exactly `color`.
    fn count(&self, color: [u8; 3]) -> usize {
        self.rgb.chunks(3).filter(|p| *p == color).count()
    }

    /// Dark pixels (text, axes) in rows `top..bottom`.
    fn dark_in_rows(&self, top: u32, bottom: u32) -> usize {
        (top..bottom)
            .flat_map(|y| (0..self.width).map(move |x| (x, y)))
            .filter(|&(x, y)| self.pixel(x, y).iter().all(|&c| c < 128))
            .count()
    }
}

/// Runs `lrsched plot ARGS` in `dir`, expecting success; returns stderr.
fn plot_in(dir: &Path, args: &[&str]) -> String {
    let output = lrsched()
        .current_dir(dir)
        .arg("plot")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "plot {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stderr).expect("UTF-8 stderr")
}

fn write_schedule(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("writes the schedule");
    path
}

/// The text of every `<text>` element, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|element| {
            let body = &element[element.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

#[test]
fn default_writes_the_reference_example_as_png() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = plot_in(dir.path(), &[]);
    assert_eq!(stderr, "wrote lrsched.png (1200x700 PNG)\n");
    let image = Image::decode(&fs::read(dir.path().join("lrsched.png")).unwrap());
    assert_eq!((image.width, image.height), (1200, 700));
    // Not blank: a white background, a curve in the first colour, dark text and axes.
    assert_eq!(image.pixel(0, 0), [255, 255, 255]);
    assert!(
        image.count(BLUE) > 2000,
        "{} curve pixels",
        image.count(BLUE)
    );
    assert!(image.dark_in_rows(0, image.height) > 2000);
    // One curve: no second colour (no legend swatch either).
    assert_eq!(image.count(ORANGE), 0);
}

#[test]
fn size_and_stdout() {
    let dir = tempfile::tempdir().unwrap();
    plot_in(dir.path(), &["--size", "640x480", "-o", "small.png"]);
    let image = Image::decode(&fs::read(dir.path().join("small.png")).unwrap());
    assert_eq!((image.width, image.height), (640, 480));

    let output = lrsched().args(["plot", "-o", "-"]).output().unwrap();
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "nothing to report for stdout");
    let image = Image::decode(&output.stdout);
    assert_eq!((image.width, image.height), (1200, 700));
}

#[test]
fn svg_keeps_title_and_axis_labels_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = plot_in(dir.path(), &["-o", "ref.svg"]);
    assert_eq!(stderr, "wrote ref.svg (1200x700 SVG)\n");
    let svg = fs::read_to_string(dir.path().join("ref.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
    let texts = svg_texts(&svg);
    for expected in [
        "schedule: base_lr 0.01, milestones [50, 100], gamma 0.1, linear warmup 10 iters from 0.1×",
        "iteration",
        "learning rate",
        // Whole-iteration ticks, lr ticks, milestone labels, the warmup span.
        "0",
        "140",
        "0.01",
        "0.002",
        "50",
        "100",
        "warmup",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "no <text> '{expected}' in {texts:?}"
        );
    }
    assert!(!texts.iter().any(|t| t.ends_with(".0")), "{texts:?}");
}

#[test]
fn log_y_labels_decades() {
    let dir = tempfile::tempdir().unwrap();
    plot_in(dir.path(), &["--log-y", "-o", "log.svg"]);
    let texts = svg_texts(&fs::read_to_string(dir.path().join("log.svg")).unwrap());
    for decade in ["1e-4", "1e-3", "1e-2"] {
        assert!(texts.iter().any(|t| t == decade), "{decade} in {texts:?}");
    }
}

#[test]
fn epoch_axis() {
    let dir = tempfile::tempdir().unwrap();
    plot_in(
        dir.path(),
        &[
            "--x",
            "epoch",
            "--iters-per-epoch",
            "10",
            "--title",
            "custom",
            "-o",
            "e.svg",
        ],
    );
    let texts = svg_texts(&fs::read_to_string(dir.path().join("e.svg")).unwrap());
    // 150 iterations = 15 epochs; milestones at epochs 5 and 10.
    assert!(texts.iter().any(|t| t == "epoch"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "custom"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "5"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "10"), "{texts:?}");
}

#[test]
fn overlays_get_one_colour_and_legend_entry_each() {
    let dir = tempfile::tempdir().unwrap();
    write_schedule(
        dir.path(),
        "short.toml",
        "milestones = [30, 60]\niters = 90\n",
    );
    write_schedule(
        dir.path(),
        "long.toml",
        "name = \"long run\"\nmilestones = [100, 150]\niters = 180\n",
    );
    plot_in(dir.path(), &["short.toml", "long.toml", "-o", "cmp.svg"]);
    let texts = svg_texts(&fs::read_to_string(dir.path().join("cmp.svg")).unwrap());
    assert_eq!(
        texts.iter().filter(|t| *t == "short").count(),
        1,
        "{texts:?}"
    );
    assert_eq!(
        texts.iter().filter(|t| *t == "long run").count(),
        1,
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "short vs long run"), "{texts:?}");

    plot_in(dir.path(), &["short.toml", "long.toml", "-o", "cmp.png"]);
    let image = Image::decode(&fs::read(dir.path().join("cmp.png")).unwrap());
    assert!(image.count(BLUE) > 1000);
    assert!(image.count(ORANGE) > 1000);
}

/// `(stroke colour, stroke width)` of every `<polyline>` of an SVG.
fn svg_strokes(svg: &str) -> Vec<(String, u32)> {
    let attribute = |element: &str, name: &str| -> Option<String> {
        let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(element[start..start + element[start..].find('"')?].to_string())
    };
    svg.split("<polyline")
        .skip(1)
        .filter_map(|element| {
            let element = &element[..element.find("/>")?];
            Some((
                attribute(element, "stroke")?,
                attribute(element, "stroke-width")?.parse().ok()?,
            ))
        })
        .collect()
}

/// Stroke widths used in `colour`, sorted, each once.
fn widths_of(strokes: &[(String, u32)], colour: &str) -> Vec<u32> {
    let mut widths: Vec<u32> = strokes
        .iter()
        .filter(|(stroke, _)| stroke == colour)
        .map(|s| s.1)
        .collect();
    widths.sort_unstable();
    widths.dedup();
    widths
}

/// The 15 dialects that accept it agree over most of the reference example: each curve must still show, drawn
/// wider beneath the ones after it wherever they coincide, and the legend must say so.
#[test]
fn coinciding_curves_nest_instead_of_hiding() {
    let dir = tempfile::tempdir().unwrap();
    plot_in(
        dir.path(),
        &["--dialect", "all", "--layout", "overlay", "-o", "all.svg"],
    );
    let svg = fs::read_to_string(dir.path().join("all.svg")).unwrap();
    let strokes = svg_strokes(&svg);
    // Base width 3 at 1200×700, 2 more per curve drawn over it (the step shrinks as curves
    // are added). Keras refuses the warmup, so 15 are drawn: maskrcnn (first, blue) runs under
    // all 14 others after warmup; gluoncv (10th, cyan) at most under the 5 after it. The
    // legend's swatches are 4 wide.
    let maskrcnn = widths_of(&strokes, "#1F77B4");
    assert_eq!(maskrcnn.last(), Some(&(3 + 14 * 2)), "{maskrcnn:?}");
    let gluoncv = widths_of(&strokes, "#17BECF");
    assert_eq!(gluoncv.last(), Some(&(3 + 5 * 2)), "{gluoncv:?}");
    let texts = svg_texts(&svg);
    assert!(
        texts
            .iter()
            .any(|t| t == "coinciding curves nest, first listed outermost"),
        "{texts:?}"
    );

    // Curves that never meet keep the base width, and need no note.
    write_schedule(dir.path(), "high.toml", "base_lr = 0.1\nwarmup_iters = 0\n");
    write_schedule(dir.path(), "low.toml", "base_lr = 0.01\nwarmup_iters = 0\n");
    plot_in(dir.path(), &["high.toml", "low.toml", "-o", "apart.svg"]);
    let svg = fs::read_to_string(dir.path().join("apart.svg")).unwrap();
    let strokes = svg_strokes(&svg);
    assert_eq!(widths_of(&strokes, "#1F77B4"), [3, 4]);
    assert_eq!(widths_of(&strokes, "#FF7F0E"), [3, 4]);
    assert!(!svg.contains("coinciding curves nest"));
}

/// The opacity of each warmup band of an overlay (grey `<rect>`s).
fn warmup_bands(svg: &str) -> Vec<String> {
    svg.split("<rect")
        .skip(1)
        .filter(|element| element.contains("fill=\"#6E6E6E\""))
        .filter_map(|element| {
            let opacity = element.split("opacity=\"").nth(1)?.split('"').next()?;
            Some(opacity.to_string())
        })
        .collect()
}

#[test]
fn overlaid_warmups_are_shaded_once() {
    let dir = tempfile::tempdir().unwrap();
    plot_in(
        dir.path(),
        &["--dialect", "all", "--layout", "overlay", "-o", "all.svg"],
    );
    let svg = fs::read_to_string(dir.path().join("all.svg")).unwrap();
    // Seven curves, one warmup span: one light grey band.
    assert_eq!(warmup_bands(&svg), ["0.1"]);

    // Two spans: one band each, together as light as one where they overlap.
    write_schedule(dir.path(), "short.toml", "warmup_iters = 10\n");
    write_schedule(dir.path(), "long.toml", "warmup_iters = 40\n");
    plot_in(dir.path(), &["short.toml", "long.toml", "-o", "two.svg"]);
    let svg = fs::read_to_string(dir.path().join("two.svg")).unwrap();
    let bands = warmup_bands(&svg);
    assert_eq!(bands.len(), 2, "{bands:?}");
    let opacity: f64 = bands[0].parse().unwrap();
    assert!(
        (1.0 - (1.0 - opacity).powi(2) - 0.1).abs() < 1e-9,
        "{bands:?}"
    );
}

#[test]
fn milestone_labels_are_exact_and_alike() {
    let dir = tempfile::tempdir().unwrap();
    let resnet = Path::new(env!("CARGO_MANIFEST_DIR")).join("schedules/resnet-imagenet.toml");
    let resnet = resnet.to_str().unwrap();
    plot_in(dir.path(), &[resnet, "-o", "iterations.svg"]);
    let texts = svg_texts(&fs::read_to_string(dir.path().join("iterations.svg")).unwrap());
    // 30 and 60 epochs of 5005 iterations: 300300 is not "300.3k" beside a "150150".
    for label in ["150150", "300300", "150k", "300k"] {
        assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
    }
    assert!(!texts.iter().any(|t| t.contains(".3k")), "{texts:?}");

    plot_in(dir.path(), &[resnet, "--x", "epoch", "-o", "epochs.svg"]);
    let texts = svg_texts(&fs::read_to_string(dir.path().join("epochs.svg")).unwrap());
    for label in ["epoch", "30", "60", "90", "warmup"] {
        assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
    }
    assert!(!texts.iter().any(|t| t.contains("150150")), "{texts:?}");

    // Milestones between epochs: as many decimals as name the iteration, marked ≈.
    plot_in(
        dir.path(),
        &[
            "--x",
            "epoch",
            "--iters-per-epoch",
            "391",
            "-o",
            "fractions.svg",
        ],
    );
    let texts = svg_texts(&fs::read_to_string(dir.path().join("fractions.svg")).unwrap());
    for label in ["≈0.128", "≈0.256"] {
        assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
    }
}

#[test]
fn single_schedule_has_no_legend() {
    let dir = tempfile::tempdir().unwrap();
    write_schedule(dir.path(), "solo.toml", "milestones = [30]\n");
    plot_in(dir.path(), &["solo.toml", "-o", "solo.svg"]);
    let texts = svg_texts(&fs::read_to_string(dir.path().join("solo.svg")).unwrap());
    assert!(!texts.iter().any(|t| t == "solo"), "{texts:?}");
}

/// Would fail if text silently did not render: the title band has dark pixels with a title and
/// none without, with every font-related variable pointing nowhere.
#[test]
fn text_renders_from_the_embedded_font() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("no-fonts");
    fs::create_dir(&empty).unwrap();
    let render = |title: &str, file: &str| -> Image {
        let status = lrsched()
            .current_dir(dir.path())
            .env_clear()
            .env("HOME", &empty)
            .env("XDG_DATA_HOME", &empty)
            .env("XDG_DATA_DIRS", &empty)
            .env("FONTCONFIG_PATH", &empty)
            .env("FONTCONFIG_FILE", empty.join("fonts.conf"))
            .args(["plot", "--title", title, "-o", file])
            .output()
            .unwrap();
        assert!(status.status.success());
        Image::decode(&fs::read(dir.path().join(file)).unwrap())
    };
    let titled = render("Learning rate schedule", "titled.png");
    let untitled = render("", "untitled.png");
    // The title sits in the top 45 rows at the default size.
    assert!(
        titled.dark_in_rows(0, 45) > 300,
        "{}",
        titled.dark_in_rows(0, 45)
    );
    assert_eq!(untitled.dark_in_rows(0, 45), 0);
    // Tick labels and axis titles render as well: below the plot is dark with text.
    assert!(untitled.dark_in_rows(640, 700) > 300);
}

#[test]
fn huge_schedules_plot() {
    let dir = tempfile::tempdir().unwrap();
    plot_in(dir.path(), &["--iters", "100000000", "-o", "huge.svg"]);
    let texts = svg_texts(&fs::read_to_string(dir.path().join("huge.svg")).unwrap());
    assert!(texts.iter().any(|t| t == "100M"), "{texts:?}");
    plot_in(
        dir.path(),
        &[
            "--step-size",
            "1",
            "--gamma",
            "0.9999999",
            "--iters",
            "100000000",
            "-o",
            "dense.png",
        ],
    );
}

#[test]
fn unknown_extension_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    lrsched()
        .current_dir(dir.path())
        .args(["plot", "-o", "chart.jpg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--output: '.jpg' is not an image type lrsched writes; use a .png or .svg file name",
        ));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn bad_plot_options_are_errors() {
    lrsched()
        .args(["plot", "--x", "epoch", "-o", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--x: the epoch axis needs iters_per_epoch",
        ));
    lrsched()
        .args(["plot", "--x", "step", "-o", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--x: unknown axis unit 'step'"));
    lrsched()
        .args(["plot", "--size", "big", "-o", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--size"));
    lrsched()
        .args(["plot", "-o", "/nonexistent-dir/x.png"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "directory /nonexistent-dir does not exist",
        ));
    lrsched()
        .args(["plot", "--terminal", "-o", "x.png"])
        .assert()
        .code(2);
}

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    assert_eq!(actual, expected, "differs from {}", path.display());
}

fn terminal_plot(args: &[&str]) -> String {
    let output = lrsched()
        .arg("plot")
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn terminal_plot_of_the_reference_example() {
    let text = terminal_plot(&["--terminal"]);
    // Not a terminal here: 80 columns.
    assert!(
        text.lines().all(|line| line.chars().count() <= 80),
        "{text}"
    );
    snapshot("plot-terminal-reference.txt", &text);
}

#[test]
fn terminal_plot_log_y_and_overlay() {
    let log = terminal_plot(&["-t", "--log-y"]);
    assert!(log.contains("0.01 ┤"), "{log}");
    assert!(log.contains("0.0001 ┤"), "{log}");

    let dir = tempfile::tempdir().unwrap();
    let a = write_schedule(dir.path(), "a.toml", "milestones = [30]\niters = 60\n");
    let b = write_schedule(dir.path(), "b.toml", "milestones = [40]\niters = 60\n");
    let plain = terminal_plot(&["-t", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(plain.contains("overlaid: a, b"), "{plain}");
    assert!(!plain.contains('\x1b'), "no colour into a pipe");
    let colored = terminal_plot(&[
        "-t",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--color",
        "always",
    ]);
    assert!(colored.contains("\x1b[34m━━\x1b[0m a"), "{colored}");
    assert!(colored.contains("\x1b[33m━━\x1b[0m b"), "{colored}");
    // a and b run together until 30: cells of both are in no colour, and the legend says so.
    assert!(colored.contains("━━ several"), "{colored}");
}

#[test]
fn terminal_overlay_of_every_dialect_fits_80_columns() {
    let text = terminal_plot(&["-t", "--dialect", "all", "--layout", "overlay"]);
    assert!(
        text.lines().all(|line| line.chars().count() <= 80),
        "{text}"
    );
    assert!(
        text.contains("overlaid: maskrcnn, torch-chained, torch-sequential"),
        "{text}"
    );
    assert!(text.contains("optax\n"), "{text}");
    // The milestones that fit, exactly: timm-train's 49 and 99 (which leave no room for 50 and
    // 100 beside them), timm's 59 and 109.
    let labels = text
        .lines()
        .find(|line| line.trim_start().starts_with("0 "))
        .unwrap();
    assert_eq!(
        labels.split_whitespace().collect::<Vec<_>>(),
        ["0", "49", "59", "99", "109", "150"]
    );
}

/// A title or schedule name far wider than the image is measured once and cut with an
/// ellipsis (it used to be re-measured once per character dropped: 100 KB took over a minute).
#[test]
fn long_titles_and_names_are_cut_to_fit() {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    // Near the longest argument Linux passes (128 KiB).
    let title = "x".repeat(100_000);
    plot_in(dir.path(), &["--title", &title, "-o", "title.svg"]);
    plot_in(dir.path(), &["--title", &title, "-o", "title.png"]);
    let texts = svg_texts(&fs::read_to_string(dir.path().join("title.svg")).unwrap());
    let shown = &texts[0];
    assert!(shown.starts_with("xxxx") && shown.ends_with('…'), "{shown}");
    assert!(shown.chars().count() < 200, "{}", shown.len());

    // A name from a file is not bounded by the argument limit.
    // (Under the 4 MiB a schedule file may have.)
    let long = "n".repeat(3_000_000);
    write_schedule(dir.path(), "a.toml", &format!("name = \"{long}\"\n"));
    write_schedule(dir.path(), "b.toml", "name = \"b\"\ngamma = 0.5\n");
    plot_in(dir.path(), &["a.toml", "b.toml", "-o", "names.svg"]);
    plot_in(dir.path(), &["a.toml", "b.toml", "-o", "names.png"]);
    let texts = svg_texts(&fs::read_to_string(dir.path().join("names.svg")).unwrap());
    let legend: Vec<&String> = texts.iter().filter(|t| t.starts_with("nnnn")).collect();
    assert_eq!(legend.len(), 1, "{texts:?}");
    assert!(
        legend[0].ends_with('…') && legend[0].len() < 1000,
        "{legend:?}"
    );
    assert!(texts.contains(&"b".to_string()), "{texts:?}");
    // Alone, the name makes the default title, cut the same way.
    plot_in(dir.path(), &["a.toml", "-o", "alone.svg"]);
    let texts = svg_texts(&fs::read_to_string(dir.path().join("alone.svg")).unwrap());
    assert!(
        texts[0].starts_with("nnnn") && texts[0].ends_with('…'),
        "{}",
        texts[0].len()
    );

    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    let text = terminal_plot(&["-t", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(
        text.lines().all(|line| line.chars().count() <= 80),
        "{}",
        text.len()
    );
    assert!(text.contains("nnnn…,\n"), "{}", text.len());
    // Not a benchmark: a bound that a per-character re-measure of these texts cannot meet.
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

/// `(x, y, width, height)` of every `<rect>` of an SVG filled with `fill` (`none` for frames,
/// which are then stroked black).
fn svg_rects(svg: &str, fill: &str) -> Vec<(i32, i32, i32, i32)> {
    let number = |element: &str, name: &str| -> Option<i32> {
        let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
        element[start..start + element[start..].find('"')?]
            .parse()
            .ok()
    };
    svg.split("<rect")
        .skip(1)
        .filter_map(|element| {
            let element = &element[..element.find("/>")?];
            element
                .contains(&format!("fill=\"{fill}\""))
                .then_some(())?;
            Some((
                number(element, "x")?,
                number(element, "y")?,
                number(element, "width")?,
                number(element, "height")?,
            ))
        })
        .collect()
}

/// Frames of grid panels: unfilled, stroked black at 0.3.
fn panel_frames(svg: &str) -> Vec<(i32, i32, i32, i32)> {
    svg.split("<rect")
        .skip(1)
        .filter(|e| e.contains("opacity=\"0.3\" fill=\"none\" stroke=\"#000000\""))
        .map(|e| format!("<rect{e}"))
        .flat_map(|e| svg_rects(&e, "none"))
        .collect()
}

/// Shading where a panel's schedule differs from the reference (tab10 red at 0.2).
const DIFFERS_FILL: &str = "#D62728";

/// Past six curves the default layout is a grid: one framed panel per dialect, its name and
/// what differs from maskrcnn as text, the iterations that differ shaded inside its frame.
#[test]
fn every_dialect_is_a_grid_of_panels() {
    let dir = tempfile::tempdir().unwrap();
    plot_in(dir.path(), &["--dialect", "all", "-o", "all.svg"]);
    let svg = fs::read_to_string(dir.path().join("all.svg")).unwrap();
    let texts = svg_texts(&svg);
    let frames = panel_frames(&svg);
    // Keras has no warmup: it refuses the reference example, so 15 of the 16 dialects.
    assert_eq!(frames.len(), 15, "{frames:?}");
    for (name, summary) in [
        ("maskrcnn", "reference: grey in the other panels"),
        ("torch-chained", "differs in the last bits on 143 rows"),
        ("torch-sequential", "decays at 60, 110 (maskrcnn: 50, 100)"),
        ("detectron2", "differs in the last bits on 1 row"),
        ("mxnet", "decays at 51, 101 (maskrcnn: 50, 100)"),
        ("timm", "decays at 59, 109 (maskrcnn: 50, 100)"),
        ("mmengine", "warmup ends at 9 (maskrcnn: 10)"),
        ("timm-train", "decays at 49, 99 (maskrcnn: 50, 100)"),
        ("mmcv1", "differs in the last bits on 4 rows"),
        ("gluoncv", "warmup ends at 9 (maskrcnn: 10)"),
        ("paddledet", "differs in the last bits on 50 rows"),
        ("paddle", "decays at 60, 110 (maskrcnn: 50, 100)"),
        ("detectron-caffe2", "differs in the last bits on 150 rows"),
        ("tf-model-garden", "decays at 51, 101 (maskrcnn: 50, 100)"),
        ("optax", "differs in the last bits on 150 rows"),
    ] {
        assert_eq!(
            texts.iter().filter(|t| *t == name).count(),
            1,
            "{name} in {texts:?}"
        );
        assert!(texts.iter().any(|t| t == summary), "{summary} in {texts:?}");
    }
    // No legend, no nesting: each curve is drawn once at one width, over maskrcnn in grey.
    assert!(!svg.contains("coinciding curves nest"));
    let strokes = svg_strokes(&svg);
    assert_eq!(widths_of(&strokes, "#1F77B4"), [2]);
    assert_eq!(widths_of(&strokes, "#AFAFAF"), [5]);
    assert_eq!(strokes.iter().filter(|s| s.0 == "#AFAFAF").count(), 14);

    // Shaded where a curve differs by more than rounding: two decays each for
    // torch-sequential, mxnet, timm, timm-train, paddle and tf-model-garden, the warmups of
    // mmengine and gluoncv; every shade inside one frame.
    let shades = svg_rects(&svg, DIFFERS_FILL);
    assert_eq!(shades.len(), 14, "{shades:?}");
    let inside = |shade: &(i32, i32, i32, i32)| {
        frames.iter().position(|f| {
            shade.0 >= f.0 && shade.0 + shade.2 <= f.0 + f.2 && shade.1 == f.1 && shade.3 == f.3
        })
    };
    let mut panels: Vec<usize> = shades.iter().filter_map(inside).collect();
    assert_eq!(panels.len(), 14, "{shades:?} in {frames:?}");
    panels.sort_unstable();
    // Panels in order: 2 torch-sequential, 4 mxnet, 5 timm, 6 mmengine, 7 timm-train,
    // 9 gluoncv, 11 paddle, 13 tf-model-garden.
    assert_eq!(panels, [2, 2, 4, 4, 5, 5, 6, 7, 7, 9, 11, 11, 13, 13]);
    // mxnet decays one iteration late: still a visible span (3 pixels at least).
    let frame = frames[4];
    let mxnet: Vec<_> = shades.iter().filter(|s| inside(s) == Some(4)).collect();
    assert!(
        mxnet.iter().all(|s| s.2 >= 3 && s.2 < frame.2 / 20),
        "{mxnet:?}"
    );

    // Overlay asked for: the overlay, legend and all.
    plot_in(
        dir.path(),
        &[
            "--dialect",
            "all",
            "--layout",
            "overlay",
            "-o",
            "overlay.svg",
        ],
    );
    let svg = fs::read_to_string(dir.path().join("overlay.svg")).unwrap();
    assert!(panel_frames(&svg).is_empty());
    assert!(svg_rects(&svg, DIFFERS_FILL).is_empty());
    assert!(svg.contains("coinciding curves nest"));
}

/// Writes `count` schedules `s1.toml` … whose first milestone moves 150 iterations per file,
/// from 250 to 2650 and round again (the second is at 3000).
fn many_schedules(dir: &Path, count: usize) -> Vec<String> {
    (1..=count)
        .map(|i| {
            let name = format!("s{i}.toml");
            let text = format!("milestones = [{}, 3000]\n", 100 + 150 * (i % 18));
            write_schedule(dir, &name, &text);
            name
        })
        .collect()
}

#[test]
fn many_files_make_a_grid_against_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let files = many_schedules(dir.path(), 16);
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(["-o", "many.svg"]);
    plot_in(dir.path(), &args);
    let svg = fs::read_to_string(dir.path().join("many.svg")).unwrap();
    let texts = svg_texts(&svg);
    assert_eq!(panel_frames(&svg).len(), 16);
    // The first is the reference; each other decays 150 iterations later than the one before.
    for i in 2..=16 {
        let summary = format!("decays at {}, 3000 (s1: 250, 3000)", 100 + 150 * i);
        assert!(texts.contains(&summary), "{summary} in {texts:?}");
        assert!(texts.contains(&format!("s{i}")), "s{i}");
    }
    // One shade per panel but the first, each wider than the one before.
    let shades = svg_rects(&svg, DIFFERS_FILL);
    assert_eq!(shades.len(), 15, "{shades:?}");
    assert!(shades.windows(2).all(|w| w[1].2 >= w[0].2), "{shades:?}");
    assert!(shades[14].2 > 3 * shades[0].2, "{shades:?}");

    // The PNG: the reference in grey and the curves in blue in every panel, and shading.
    args.pop();
    args.push("many.png");
    plot_in(dir.path(), &args);
    let image = Image::decode(&fs::read(dir.path().join("many.png")).unwrap());
    assert!(image.count(BLUE) > 16 * 300, "{}", image.count(BLUE));
    assert!(image.count([175, 175, 175]) > 15 * 100);
    let shaded = image
        .rgb
        .chunks(3)
        .filter(|p| p[0] > 240 && p[1] < 220 && p[1] > 200 && p[2] < 220)
        .count();
    assert!(shaded > 15 * 500, "{shaded}");

    // A grid of two, asked for; and back to an overlay of 16.
    plot_in(
        dir.path(),
        &["s1.toml", "s9.toml", "--layout", "grid", "-o", "two.svg"],
    );
    let svg = fs::read_to_string(dir.path().join("two.svg")).unwrap();
    assert_eq!(panel_frames(&svg).len(), 2);
    args.truncate(16);
    args.extend(["--layout", "overlay", "-o", "overlay.svg"]);
    plot_in(dir.path(), &args);
    let svg = fs::read_to_string(dir.path().join("overlay.svg")).unwrap();
    assert!(panel_frames(&svg).is_empty());
    assert_eq!(
        svg_texts(&svg).iter().filter(|t| *t == "s16").count(),
        1,
        "a legend entry"
    );
}

/// A thousand files draw the first 36 and say so in one line; 10^9-iteration schedules
/// compare by their segments.
#[test]
fn many_and_huge_grids_are_bounded() {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let files = many_schedules(dir.path(), 1000);
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(["-o", "thousand.svg"]);
    let stderr = plot_in(dir.path(), &args);
    assert_eq!(
        stderr,
        "warning: plot: drawing the first 36 of 1000 schedules, 964 left out: more do not fit \
         one plot\nwrote thousand.svg (1200x700 SVG)\n"
    );
    let svg = fs::read_to_string(dir.path().join("thousand.svg")).unwrap();
    assert_eq!(panel_frames(&svg).len(), 36);
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t == "s36"));
    assert!(!texts.iter().any(|t| t == "s37"));

    let huge = "warmup_iters = 100000000\niters = 1000000000\n";
    write_schedule(
        dir.path(),
        "a.toml",
        &format!("milestones = [500000000, 900000000]\n{huge}"),
    );
    write_schedule(
        dir.path(),
        "b.toml",
        &format!("milestones = [600000000, 900000000]\n{huge}"),
    );
    plot_in(
        dir.path(),
        &["a.toml", "b.toml", "--layout", "grid", "-o", "huge.svg"],
    );
    let texts = svg_texts(&fs::read_to_string(dir.path().join("huge.svg")).unwrap());
    assert!(
        texts
            .iter()
            .any(|t| t == "decays at 600M, 900M (a: 500M, 900M)"),
        "{texts:?}"
    );
    let (a, b) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
    let text = terminal_plot(&[
        "-t",
        "--layout",
        "grid",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert!(
        text.contains("decays at 600M, 900M (a: 500M, 900M)"),
        "{text}"
    );
    // Not a benchmark: a bound a row-by-row comparison of 10^9 iterations cannot meet.
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

/// In a terminal the grid is the first schedule's curve, then a row per other schedule on
/// the same axis marking where it differs, with what differs under it.
#[test]
fn terminal_grid_of_every_dialect() {
    let text = terminal_plot(&["-t", "--dialect", "all"]);
    assert!(
        text.lines().all(|line| line.chars().count() <= 80),
        "{text}"
    );
    snapshot("plot-terminal-dialects.txt", &text);
    let row = |name: &str| -> String {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ├")))
            .unwrap_or_else(|| panic!("no row for {name} in {text}"));
        line.split('├').nth(1).unwrap().to_string()
    };
    // The axis line is drawn where the rows start: the rows' cells sit under the plot's.
    let axis = text.lines().find(|l| l.contains('└')).unwrap();
    let start = axis.chars().position(|c| c == '└').unwrap();
    let sequential = text
        .lines()
        .find(|l| l.contains("torch-sequential ├"))
        .unwrap();
    assert_eq!(sequential.chars().position(|c| c == '├'), Some(start));
    // 150 iterations over 61 cells: 50..60 and 100..110 differ; detectron2 in one cell's
    // last bits.
    let cells = row("torch-sequential");
    let differs: Vec<usize> = cells
        .chars()
        .enumerate()
        .filter(|c| c.1 == '█')
        .map(|c| c.0)
        .collect();
    assert_eq!(differs.len(), 10, "{cells}");
    assert!(
        differs
            .iter()
            .all(|&c| (20..25).contains(&c) || (40..45).contains(&c))
    );
    assert!(row("detectron2").matches('░').count() >= 1, "{text}");
    assert!(
        text.contains("decays at 51, 101 (maskrcnn: 50, 100)"),
        "{text}"
    );
    assert!(
        text.contains("each row against maskrcnn, drawn above"),
        "{text}"
    );
    assert!(!text.contains('\x1b'));

    let colored = terminal_plot(&["-t", "--dialect", "all", "--color", "always"]);
    assert!(colored.contains("\x1b[31m█████\x1b[0m"), "{colored}");
}

#[test]
fn help_documents_the_layouts() {
    let output = lrsched().args(["plot", "--help"]).output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("--layout <LAYOUT>"), "{help}");
    assert!(help.contains("overlay up to 6"), "{help}");
    lrsched()
        .args(["plot", "--layout", "tiles", "-o", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--layout"));
}
