suppressMessages(library(strucchange))
x <- UKDriverDeaths
f <- stl(x, s.window = 7, robust = TRUE)
ts_ <- f$time.series
month <- sprintf("%d-%02d", floor(time(x) + 1e-6), cycle(x))
out <- data.frame(month = month, deaths = as.integer(x),
                  seasonal = sprintf("%.6f", ts_[, "seasonal"]),
                  trend = sprintf("%.6f", ts_[, "trend"]),
                  remainder = sprintf("%.6f", ts_[, "remainder"]))
write.csv(out, "ukdriverdeaths_stl.csv", row.names = FALSE, quote = FALSE)
sa <- ts(as.numeric(x) - as.numeric(ts_[, "seasonal"]), start = start(x), frequency = 12)
bp <- breakpoints(sa ~ 1)
s <- summary(bp)
sink("ref_r.txt")
cat(R.version.string, "\n")
cat("strucchange", as.character(packageVersion("strucchange")), "\n")
cat("stl(UKDriverDeaths, s.window = 7, robust = TRUE): windows", f$win, "degrees", f$deg, "jumps", f$jump, "inner", f$inner, "outer", f$outer, "\n")
cat("breakpoints(sa ~ 1), sa = UKDriverDeaths - stl seasonal\n")
print(s$RSS)
print(bp$breakpoints)
print(breakdates(bp))
ci <- confint(bp)
print(ci$confint)
print(breakdates(ci))
sink()
