// What a person would see wrong on the screen shown now, checked with the DOM; the window
// walkthrough (tests/gui.rs) runs it on every screen at every size, light and dark, and expects
// an empty list. Each problem is one line naming the element and what is wrong with it.
//
// - a visible control (button, field, link) outside the window, or cut by a box that hides or
//   scrolls its overflow sideways (reaching it would mean scrolling sideways, hiding the rest);
//   a control scrolled out of a list's view is fine: the list scrolls;
// - a list that scrolls sideways in a window at least 1100 px wide;
// - a control that cannot be used (disabled) drawn as if it could;
// - text cut with an ellipsis, with no tooltip giving it whole, or running past the window's
//   right edge (unless a box that clips or scrolls sideways holds it inside the window);
// - a table row (or its header) whose cells spill onto a second line;
// - a chart or treemap squeezed below 55 % of the size it was drawn at (its text unreadable), or,
//   in the dark theme, drawn on a bright background.
const wide = arguments[0];
const dark = arguments[1];
const problems = [];
const viewWidth = document.documentElement.clientWidth;
const viewHeight = document.documentElement.clientHeight;

const shown = (node) => {
  const box = node.getBoundingClientRect();
  const style = getComputedStyle(node);
  return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && node.closest("[hidden]") === null;
};
const named = (node) => {
  const id = node.id ? `#${node.id}` : node.tagName.toLowerCase();
  const classes = typeof node.className === "string" && node.className.trim() ? `.${node.className.trim().split(/\s+/).join(".")}` : "";
  const words = (node.textContent || node.value || node.placeholder || "").trim().replace(/\s+/g, " ").slice(0, 30);
  return `${id}${classes}${words ? ` "${words}"` : ""}`;
};
const scrolls = (overflow) => overflow === "auto" || overflow === "scroll";

for (const control of document.querySelectorAll("button, input, select, textarea, a[href], summary")) {
  if (!shown(control)) continue;
  const box = control.getBoundingClientRect();
  let cutBy = null;
  let inScrolledList = false;
  for (let box_ = control.parentElement; box_ && box_ !== document.body; box_ = box_.parentElement) {
    const style = getComputedStyle(box_);
    const edge = box_.getBoundingClientRect();
    const outSideways = box.left < edge.left - 1 || box.right > edge.right + 1;
    const outUpDown = box.top < edge.top - 1 || box.bottom > edge.bottom + 1;
    if (outSideways && style.overflowX !== "visible") {
      cutBy = box_;
      break;
    }
    if (outUpDown && style.overflowY !== "visible") {
      if (scrolls(style.overflowY)) inScrolledList = true;
      else cutBy = box_;
      break;
    }
  }
  if (inScrolledList) continue;
  if (cutBy) problems.push(`${named(control)} is cut by ${named(cutBy)}`);
  else if (box.left < -1 || box.right > viewWidth + 1 || box.top < -1 || box.bottom > viewHeight + 1) {
    problems.push(`${named(control)} is outside the ${viewWidth}×${viewHeight} window`);
  }
}

for (const control of document.querySelectorAll("button:disabled, input:disabled, select:disabled, textarea:disabled")) {
  if (shown(control) && Number(getComputedStyle(control).opacity) > 0.8) {
    problems.push(`${named(control)} cannot be pressed but looks as if it could`);
  }
}

if (wide) {
  for (const list of document.querySelectorAll(".table-body, [role=grid], [role=tree], .tree")) {
    if (shown(list) && list.scrollWidth > list.clientWidth + 1) {
      problems.push(`${named(list)} scrolls sideways (${list.scrollWidth} px in ${list.clientWidth})`);
    }
  }
}

for (const node of document.querySelectorAll("body *")) {
  if (node.childElementCount > 0 || !shown(node)) continue;
  const style = getComputedStyle(node);
  if (style.textOverflow !== "ellipsis" || node.scrollWidth <= node.clientWidth + 1) continue;
  const text = (node.textContent || "").trim();
  const tooltip = node.closest("[title]")?.getAttribute("title") ?? "";
  if (text && !tooltip.includes(text)) problems.push(`${named(node)} is cut with no tooltip giving it whole`);
}

for (const node of document.querySelectorAll("body *")) {
  if (node.childElementCount > 0 || !shown(node) || !(node.textContent || "").trim()) continue;
  if (node.getBoundingClientRect().right <= viewWidth + 1) continue;
  let heldInside = false;
  for (let box_ = node.parentElement; box_ && box_ !== document.body; box_ = box_.parentElement) {
    if (getComputedStyle(box_).overflowX !== "visible" && box_.getBoundingClientRect().right <= viewWidth + 1) {
      heldInside = true;
      break;
    }
  }
  if (!heldInside) problems.push(`${named(node)} runs past the window's right edge`);
}

for (const row of document.querySelectorAll(".table .tr, .table .table-header")) {
  if (!shown(row)) continue;
  // Cells are centred in their line, so their tops differ; a spilled cell is wholly below the first.
  const [first, ...others] = [...row.children].filter(shown).map((cell) => cell.getBoundingClientRect());
  const spilled = others.filter((cell) => cell.top >= first.bottom - 1).length;
  if (spilled > 0) problems.push(`${named(row)} has ${spilled} cells spilled onto a second line`);
}

const luminance = (colour) => {
  const rgb = colour.match(/\d+(\.\d+)?/g);
  if (colour.startsWith("#") && colour.length === 7) {
    return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)).reduce((sum, c) => sum + c, 0) / (3 * 255);
  }
  if (!rgb || (rgb.length > 3 && Number(rgb[3]) === 0)) return null;
  return (Number(rgb[0]) + Number(rgb[1]) + Number(rgb[2])) / (3 * 255);
};
for (const picture of document.querySelectorAll(".stats-chart svg, #cleanup-treemap svg, .overview-chart svg, .chart-picture svg")) {
  if (!shown(picture)) continue;
  const drawn = Number(picture.getAttribute("width")) || picture.viewBox?.baseVal?.width || 0;
  const width = picture.getBoundingClientRect().width;
  if (drawn > 0 && width < drawn * 0.55) problems.push(`${named(picture.parentElement)}'s picture is squeezed to ${Math.round(width)} px of ${drawn}`);
  if (dark) {
    const backdrop = picture.querySelector("rect")?.getAttribute("fill");
    const background = luminance(getComputedStyle(picture).backgroundColor) ?? (backdrop ? luminance(backdrop) : null);
    if (background !== null && background > 0.5) problems.push(`${named(picture.parentElement)} is drawn on a bright background in the dark theme`);
  }
}

return problems;
