#include "vulkan/kernel_tuning.h"

#include <cstdio>

namespace hearth {

namespace {

std::string quoted(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out + "\"";
}

const char* boolean(bool b)
{
    return b ? "true" : "false";
}

std::string format(const char* pattern, const std::string& a, const std::string& b, const std::string& c,
    const std::string& d)
{
    char line[512];
    std::snprintf(line, sizeof line, pattern, a.c_str(), b.c_str(), c.c_str(), d.c_str());
    return line;
}

} // namespace

std::string tuningReportJson(const KernelTuningReport& report)
{
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", report.seconds);
    std::string out = "{\"device\": " + quoted(report.device) + ", \"cached\": " + boolean(report.cached)
        + ", \"seconds\": " + seconds + ", \"config\": " + quoted(report.config) + ", \"choices\": [";
    for (size_t i = 0; i < report.choices.size(); ++i) {
        const KernelChoice& c = report.choices[i];
        out += std::string(i ? ", " : "") + "{\"question\": " + quoted(c.question)
            + ", \"shape\": " + quoted(c.shape) + ", \"variant\": " + quoted(c.variant)
            + ", \"cached\": " + boolean(c.cached) + ", \"complete\": " + boolean(c.complete) + "}";
    }
    out += "], \"trials\": [";
    for (size_t i = 0; i < report.trials.size(); ++i) {
        const KernelTrial& t = report.trials[i];
        char time[32];
        std::snprintf(time, sizeof time, "%.3f", t.microseconds);
        out += std::string(i ? ", " : "") + "{\"question\": " + quoted(t.question) + ", \"variant\": "
            + quoted(t.variant) + ", \"microseconds\": " + time + ", \"valid\": " + boolean(t.valid)
            + ", \"chosen\": " + boolean(t.chosen) + ", \"note\": " + quoted(t.note) + "}";
    }
    out += "]";
    if (!report.warning.empty()) out += ", \"warning\": " + quoted(report.warning);
    return out + "}\n";
}

std::string tuningReportTable(const KernelTuningReport& report)
{
    char head[160];
    std::snprintf(head, sizeof head, "%s in %.2f s\n\n",
        report.cached ? "every choice from the cache (nothing timed)" : "tuned", report.seconds);
    std::string out = "device: " + report.device + "\n" + head;
    if (!report.trials.empty()) {
        out += format("%-30s %-16s %12s  %s\n", "question", "variant", "time (us)", "result");
        for (const KernelTrial& t : report.trials) {
            char time[32] = "-";
            if (t.microseconds >= 0) std::snprintf(time, sizeof time, "%.1f", t.microseconds);
            const std::string result = t.chosen ? "valid, chosen" : t.valid ? "valid" : t.note;
            out += format("%-30s %-16s %12s  %s\n", t.question, t.variant, time, result);
        }
        out += "\n";
    }
    for (const KernelChoice& c : report.choices) {
        const std::string how
            = std::string(c.cached ? "cached" : "timed") + (c.complete ? "" : " (unfinished: not cached)");
        out += format("%-30s %-16s %s  [%s]\n", c.question, c.variant, how, c.shape);
    }
    out += "\nconfig: " + report.config + "\n";
    if (!report.warning.empty()) out += "warning: " + report.warning + "\n";
    return out;
}

} // namespace hearth
