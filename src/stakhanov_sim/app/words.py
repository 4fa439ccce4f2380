"""The app's words and looks: the About tab, and the style sheet that fits it to a projector."""

CSS = """
.v-application--wrap { min-height: 0 !important; }
.classroom { font-size: 14px; }
.levers { width: 290px; min-width: 290px; height: 100vh; overflow-y: auto; padding: 6px 10px;
          background: #f5f5f5; }
.lever { margin: 0 !important; }
.lever .v-input__slot { margin-bottom: 0 !important; }
.lever .v-messages, .lever .v-text-field__details { display: none; }
.lever .v-input--slider { margin-top: 0 !important; height: 26px; }
.lever .v-input--checkbox { margin-top: 2px !important; padding-top: 0 !important; }
.levers .v-select { margin-top: 2px !important; padding-top: 4px !important; }
.levers .v-text-field__details { display: none; }
.levers .v-input.v-select { flex: 0 0 auto; height: 50px; }
.lever-name { font-weight: 600; }
.lever-changed { color: #b35900; font-weight: 600; }
.main-area { flex: 1 1 auto; min-width: 0; height: 100vh; overflow-y: auto; padding: 0 8px; }
.toolbar { align-items: center; gap: 8px; flex-wrap: nowrap; }
.event-feed { font-size: 14px; line-height: 1.3; }
.what-if-table td, .what-if-table th { padding: 0 8px; text-align: right; font-size: 13px; }
.what-if-table td:first-child, .what-if-table th:first-child { text-align: left; }
.hint { color: #555; font-size: 12px; }
"""

ABOUT = """
### What is it?
A Donbas coal mine in 1935-37, one step per working shift, under the Stakhanovite movement:
staged records, a press campaign, norms raised to meet the records, and blame for managers
when plans were missed. In the picture each cell is a hewer's face.

### How to use it
Pick a **Scenario**: the levers move to its settings. Move levers (a moved lever says
*changed* and shows the scenario's value), then press **Reset**: the run on screen is
rebuilt with them. **Step** works one picture's worth of shifts, **Play** keeps stepping
until the end of 1937 or **Pause**. **Render Interval** is how many shifts are worked
between two pictures: 1 draws every shift (the whole run in about a minute), 100 races
through the years. The **What if?** tab runs the scenario as it is beside your changed
version, on the same seed, and draws the differences.

- **Campaign push**: multiplies the scenario's campaign, conference and burst events.
- **Special conditions**: foremen put timbermen and supplies behind record-setters and
  Stakhanovites; off, a record is one man's effort. **Record boost**: output of a record
  shift with full special conditions (Stakhanov cut 102 t against a 7 t norm).
- **Supplies**: pit props, compressed air and wagons, times the scenario's level.
- **Norm raise**: share of the gap between the norm and Stakhanovites' output that a norm
  revision closes (Stalin: "somewhere in the middle", 0.5); **Norm revision date** moves or
  cancels it.
- **Progressive piece rates**: output above the norm paid at up to twice the rate.
- **Sanction threshold**: resentment (0-1) above which miners abuse rate-busters.
- **Scapegoating**: how many foremen and engineers the trust accuses per missed plan.

The event feed lists records, policy, sanctions, accusations and removals as they happen
(coloured marks) and only counts the routine ones (quits, new titles, foot-dragging).

### Things to notice and to try
Watch output against the plan after the norm revision, the wage gap between Stakhanovites
and the others, and when sanctions start. Try the campaign without special conditions, a
norm revision twice as large, or supplies cut by a fifth, in the What if? tab.
"""
