set terminal pngcairo size 1500,500 font 'DejaVu Sans,11'
set output 'bench/scaling/out/projection.png'
set multiplot layout 1,3 title 'Projected weak-scaling efficiency (ring allreduce model; per-rank batch 128; solid = no overlap, dashed = best-case overlap)'
set logscale x 2
set xrange [2:1024]
set yrange [0:1.05]
set grid
set xlabel 'ranks P'
set ylabel 'efficiency'
set key bottom left font ',9'
set title 'vae'
plot 'bench/scaling/out/projection_plot.dat' index 0 using 1:2 with linespoints lw 2 lc rgb '#1f77b4' title 'local shm fit', '' index 0 using 1:3 with linespoints lw 2 dt 2 lc rgb '#1f77b4' notitle, '' index 0 using 1:4 with linespoints lw 2 lc rgb '#d62728' title 'IB 2 us, 12.5 GB/s', '' index 0 using 1:5 with linespoints lw 2 dt 2 lc rgb '#d62728' notitle, '' index 0 using 1:6 with linespoints lw 2 lc rgb '#2ca02c' title 'IB, rank 16x faster', '' index 0 using 1:7 with linespoints lw 2 dt 2 lc rgb '#2ca02c' notitle
set title 'dcgan'
plot 'bench/scaling/out/projection_plot.dat' index 1 using 1:2 with linespoints lw 2 lc rgb '#1f77b4' notitle, '' index 1 using 1:3 with linespoints lw 2 dt 2 lc rgb '#1f77b4' notitle, '' index 1 using 1:4 with linespoints lw 2 lc rgb '#d62728' notitle, '' index 1 using 1:5 with linespoints lw 2 dt 2 lc rgb '#d62728' notitle, '' index 1 using 1:6 with linespoints lw 2 lc rgb '#2ca02c' notitle, '' index 1 using 1:7 with linespoints lw 2 dt 2 lc rgb '#2ca02c' notitle
set title 'ae'
plot 'bench/scaling/out/projection_plot.dat' index 2 using 1:2 with linespoints lw 2 lc rgb '#1f77b4' notitle, '' index 2 using 1:3 with linespoints lw 2 dt 2 lc rgb '#1f77b4' notitle, '' index 2 using 1:4 with linespoints lw 2 lc rgb '#d62728' notitle, '' index 2 using 1:5 with linespoints lw 2 dt 2 lc rgb '#d62728' notitle, '' index 2 using 1:6 with linespoints lw 2 lc rgb '#2ca02c' notitle, '' index 2 using 1:7 with linespoints lw 2 dt 2 lc rgb '#2ca02c' notitle
unset multiplot
