"""Place: hotspots, near repeats and scan statistics on the store's points (issue 15).

Points are projected to a metric CRS (``projection``) before any distance is taken;
grids, kernel densities, Getis-Ord Gi* and local Moran (through esda), the Knox test
of near repeats and Kulldorff's scan statistic each live in a module of their own, and
are checked against the published outputs of the tools analysts use today.
Nothing here scores a person: inputs are incident points, outputs are cells and areas.
"""
